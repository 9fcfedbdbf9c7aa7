"""Diagnose and prescribe (把脉问诊、开良方): the intervention catalogue, household plans and person
measures chosen by an exact optimiser under a budget and capacity limits, cadre and department
pairing (全覆盖包保), delivery records and visits, projects and funds."""

"""Tamper evidence: one hash chain over the change log and the procedure steps.

Every chained row (``ChangeRecord`` of the registry, ``Step`` of the procedures) carries ``seq``
(its place in one global chain), ``prev_hash`` and ``hash`` = SHA-256 of the previous hash and the
row's canonical content. Rows are sealed in the transaction that writes them (``chain.seal_objects``
/ ``chain.seal_rows``), which also moves the chain's head (``ChainHead``, one row) forward: the
head's row lock orders concurrent writers, so the chain's order is the commit order.
``verify.verify_chain`` walks the chain and names the first entry that was edited, deleted or
moved. A chained model declares ``chain_fields`` (the columns its hash covers, in order).
"""

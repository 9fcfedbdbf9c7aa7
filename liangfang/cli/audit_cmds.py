"""``liangfang audit verify``: prove that no change-log entry or procedure step was edited, deleted
or reordered after it was written (the hash chain, ``liangfang.audit``)."""

from __future__ import annotations

import time

import typer

from .app import app, console, fail, setup_django
from .text import bi

audit_app = typer.Typer(help=bi("防篡改审计：校验变更记录与程序记录的哈希链",
                                "Tamper evidence: verify the hash chain of the change log and procedure steps"),
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify", help=bi(
    "逐条校验哈希链；发现被修改、删除或调换的记录时指出第一条并以状态 1 退出",
    "Walk the hash chain; name the first entry edited, deleted or reordered and exit with status 1"))
def verify() -> None:
    setup_django()
    from liangfang.audit.verify import verify_chain

    started, cpu = time.perf_counter(), time.process_time()
    report = verify_chain()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    console.print(bi(f"已校验 {report.entries:,} 条记录，用时 {seconds:.1f} 秒（CPU {cpu:.1f} 秒）",
                     f"checked {report.entries:,} entries in {seconds:.1f} s ({cpu:.1f} s of CPU)"), soft_wrap=True)
    console.print(bi(f"链头：第 {report.head_seq:,} 条，哈希 {report.head_hash}",
                     f"head: entry {report.head_seq:,}, hash {report.head_hash}"), soft_wrap=True)
    if report.broken is not None:
        raise fail(report.broken.message)
    console.print(bi("[green]哈希链完整[/]：没有记录在写入后被修改、删除或调换（另存链头哈希，可发现整链重写）",
                     "[green]chain intact[/]: no entry was edited, deleted or reordered after it was written "
                     "(keep the head's hash elsewhere to catch a rewrite of the whole chain)"), soft_wrap=True)

"""Executions per second of one :class:`asl.engine.Engine` running many executions at once.

    python bench/engine_throughput.py                  # 1,000 concurrent executions, median of 3
    python bench/engine_throughput.py --count 5000 --repeat 5 --workloads tasks,callbacks

Workloads (each checks every execution's output):

* ``tasks``: Pass -> Task (an async resolver) -> Choice -> Pass: the engine's own cost.
* ``callbacks``: a ``.waitForTaskToken`` Task answered by a responder task through
  ``send_task_success``: token registry round trips.
* ``nested``: a parent whose Task runs a child machine with ``states:startExecution.sync:2``:
  two executions per item.

All executions are started first, then awaited; the time is from the first start to the last
end, on the real clock. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from asl.engine import Engine

TASK = "arn:aws:states:::lambda:invoke"
CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
CHILD_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Child"

TASKS = {
    "StartAt": "Shape",
    "States": {
        "Shape": {"Type": "Pass", "Parameters": {"n.$": "$.n", "kind": "order"}, "Next": "Work"},
        "Work": {
            "Type": "Task",
            "Resource": TASK,
            "Parameters": {"FunctionName": "work", "Payload.$": "$"},
            "ResultSelector": {"n.$": "$.Payload.n"},
            "Next": "Even?",
        },
        "Even?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 0, "Next": "Done"}],
            "Default": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}
CALLBACKS = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": CALLBACK,
            "Parameters": {"n.$": "$.n", "token.$": "$$.Task.Token"},
            "End": True,
        }
    },
}
NESTED = {
    "StartAt": "Child",
    "States": {
        "Child": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": CHILD_ARN, "Input.$": "$"},
            "ResultSelector": {"n.$": "$.Output.n"},
            "End": True,
        }
    },
}
CHILD = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


async def work(event: dict[str, Any]) -> dict[str, Any]:
    """The ``work`` function of the tasks workload."""
    return {"n": event["n"]}


async def _start_all(engine: Engine, name: str, count: int) -> float:
    began = time.perf_counter()
    handles = [await engine.start(name, {"n": i}) for i in range(count)]
    for i, handle in enumerate(handles):
        output = await handle.result()
        if output != {"n": i}:
            raise SystemExit(f"WRONG output for execution {i}: {output!r}")
    return time.perf_counter() - began


async def _callbacks(engine: Engine, count: int, receive: Any) -> float:
    async def responder() -> None:
        async for body in receive:
            engine.send_task_success(body["token"], {"n": body["n"]})

    async with anyio.create_task_group() as tg:
        tg.start_soon(responder)
        seconds = await _start_all(engine, "Callbacks", count)
        tg.cancel_scope.cancel()
    return seconds


def run_once(workload: str, count: int) -> float:
    """Seconds for ``count`` concurrent executions of ``workload``."""
    send, receive = anyio.create_memory_object_stream[dict[str, Any]](count)

    async def queue(payload: dict[str, Any]) -> None:
        await send.send(payload)

    engine = Engine(
        resolvers={"work": work, CALLBACK: queue},
        state_machines={"Tasks": TASKS, "Callbacks": CALLBACKS, "Nested": NESTED, CHILD_ARN: CHILD},
        history=False,
    )
    mains: dict[str, Callable[[Engine], Awaitable[float]]] = {
        "tasks": lambda e: _start_all(e, "Tasks", count),
        "callbacks": lambda e: _callbacks(e, count, receive),
        "nested": lambda e: _start_all(e, "Nested", count),
    }

    async def main(engine: Engine) -> float:
        async with send, receive:
            return await mains[workload](engine)

    gc.collect()
    return engine.serve(main)


def main() -> int:
    """Run the workloads and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="concurrent executions per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per workload (the median is shown)")
    parser.add_argument("--workloads", default="tasks,callbacks,nested")
    args = parser.parse_args()
    print("| workload | executions | median s | executions/s |\n|---|---:|---:|---:|")
    for workload in args.workloads.split(","):
        run_once(workload, max(1, args.count // 50))  # warm-up
        seconds = statistics.median(run_once(workload, args.count) for _ in range(args.repeat))
        print(f"| {workload} | {args.count} | {seconds:.3f} | {args.count / seconds:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run one workload on moto's Step Functions interpreter and print the timings as one JSON line.

    $ASL_PEERS_DIR/venv/bin/python bench/moto_worker.py pass_chain --repeat 3 --n 250

moto (``moto[stepfunctions]`` >= 5.2.5, LambdaSimpleBackend, ``execute_state_machine``) runs
LocalStack's ASL interpreter in-process behind boto3. Its Lambda ``invoke`` is patched to
call :class:`suite.Flaky`, so no Docker is needed; for virtual waits the ``time`` module of
moto's retrier is swapped for one whose ``sleep`` returns at once. ``seconds`` is
start_execution until describe_execution reports the end; ``setup_s`` is
create_state_machine. Run by ``run.py --peers``; needs no ``asl``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import types
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import suite

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/bench-sfn"


class MotoRunner:
    """A mocked AWS account with one Lambda function per Task handler."""

    def __init__(self) -> None:
        for key, value in (
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_DEFAULT_REGION", REGION),
        ):
            os.environ.setdefault(key, value)
        import boto3
        from moto import mock_aws
        from moto.awslambda_simple.models import LambdaSimpleBackend

        logging.getLogger("moto").setLevel(logging.CRITICAL)  # it logs caught evaluation errors
        self.mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}})
        self.mock.start()
        self.handler: suite.Flaky = suite.Flaky()
        runner = self

        def invoke(*args: Any) -> bytes:
            # moto calls invoke(backend, function_name, qualifier, body, headers, response_headers)
            body, response_headers = args[3], args[5]
            try:
                result = runner.handler(json.loads(body) if body else {})
            except Exception as exc:  # a Lambda function error
                response_headers["x-amz-function-error"] = "Unhandled"
                return json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc)}).encode()
            return json.dumps(result).encode()

        LambdaSimpleBackend.invoke = invoke
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.lam = boto3.client("lambda", region_name=REGION)
        iam = boto3.client("iam", region_name=REGION)
        iam.create_role(RoleName="bench-sfn", AssumeRolePolicyDocument="{}")

    def begin(self, workload: suite.Workload) -> None:
        """Create the Lambda function and set the retrier's sleeping for this workload."""
        from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

        retrier_decl.time = types.SimpleNamespace(sleep=lambda s: None) if workload.virtual_waits else time
        if workload.flaky_task:
            self.lam.create_function(
                FunctionName=suite.FLAKY_ARN.split(":function:")[-1],
                Runtime="python3.12",
                Role=ROLE,
                Handler="h.handler",
                Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},  # an empty zip: never run
            )

    def run_once(self, workload: suite.Workload, inp: Any) -> tuple[float, float, Any]:
        """Create the machine and run one execution; return (setup_s, seconds, output)."""
        self.handler = suite.Flaky()
        t0 = time.perf_counter()
        arn = self.sfn.create_state_machine(
            name=f"{workload.name}-{uuid.uuid4().hex[:8]}",
            definition=json.dumps(workload.definition()),
            roleArn=ROLE,
        )["stateMachineArn"]
        t1 = time.perf_counter()
        execution = self.sfn.start_execution(stateMachineArn=arn, input=json.dumps(inp))["executionArn"]
        while True:
            described = self.sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                break
            # polling holds the GIL moto's worker thread needs: poll less as the run gets longer
            time.sleep(min(0.25, max(0.001, (time.perf_counter() - t1) / 50)))
        t2 = time.perf_counter()
        if described["status"] != "SUCCEEDED":
            status, error, cause = described["status"], described.get("error"), described.get("cause")
            raise RuntimeError(f"{status}: {error}: {cause}"[:400])
        return t1 - t0, t2 - t1, json.loads(described["output"])


def main(argv: list[str] | None = None) -> int:
    """Print ``{"runs": [{setup_s, seconds}], "output", "version", "error"}`` as one line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=list(suite.WORKLOADS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, choices=[0, 1])
    parser.add_argument("--n", type=int, default=None, help="the size (default: the input file's)")
    args = parser.parse_args(argv)
    workload = suite.WORKLOADS[args.workload]
    result: dict[str, Any] = {"runs": [], "output": None, "version": "", "error": None}
    try:
        import moto

        result["version"] = f"moto {moto.__version__}"
        runner = MotoRunner()
        runner.begin(workload)
        n = args.n if args.n is not None else workload.default_n
        if args.warmup and not (workload.flaky_task and not workload.virtual_waits):
            runner.run_once(workload, workload.input_for(max(1, n // 50)))
        for _ in range(args.repeat):
            setup_s, seconds, result["output"] = runner.run_once(workload, workload.input_for(n))
            result["runs"].append({"setup_s": setup_s, "seconds": seconds})
    except Exception as exc:  # reported, not raised: run.py prints it in the table notes
        result["error"] = f"{type(exc).__name__}: {exc}"[:600]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

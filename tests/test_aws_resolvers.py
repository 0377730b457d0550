"""asl.aws: boto3-backed resolvers, checked against moto's in-process models of the services."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3", reason="the aws extra (boto3) is not installed")
moto = pytest.importorskip("moto", reason="moto is not installed (pip install 'asl-engine[aws-test]')")

import asl  # noqa: E402
from asl.aws import AwsResolvers, pascal  # noqa: E402
from asl.aws._shapes import from_boto, to_boto  # noqa: E402

TABLE = "orders"


@pytest.fixture(scope="module")
def _moto() -> Iterator[tuple[Any, Any, AwsResolvers]]:
    """moto for the whole module: one mock, one session, one set of resolvers (clients are slow to build)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            patch.setenv(name, value)
        mock = moto.mock_aws()
        mock.start()
        try:
            session = boto3.Session(region_name="us-east-1")
            yield mock, session, AwsResolvers(session)
        finally:
            mock.stop()


@pytest.fixture
def resolvers(_moto: tuple[Any, Any, AwsResolvers]) -> AwsResolvers:
    """The module's AwsResolvers (calls in worker threads), every service emptied first."""
    mock, _, resolvers = _moto
    mock.reset()
    return resolvers


@pytest.fixture
def table(resolvers: AwsResolvers) -> Any:
    """A DynamoDB table keyed by the string ``id``."""
    client = resolvers.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


def task(resource: str, parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A one-Task machine."""
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "Parameters": parameters, **extra}}}


def ended(machine: dict[str, Any]) -> dict[str, Any]:
    machine["States"]["T"]["End"] = True
    return machine


def run(resolvers: AwsResolvers, machine: dict[str, Any], data: Any = None) -> asl.Execution:
    return asl.start(machine, data if data is not None else {}, resolvers=resolvers.resolvers())


# -- the workflow of the issue -------------------------------------------------------------------


def test_workflow_reads_csv_from_s3_writes_dynamodb_and_queues_to_sqs(resolvers: AwsResolvers, table: Any) -> None:
    """A distributed Map reads a CSV from S3; each row is put into DynamoDB and sent to SQS."""
    s3 = resolvers.client("s3")
    s3.create_bucket(Bucket="orders-in")
    s3.put_object(Bucket="orders-in", Key="orders.csv", Body=b"id,item\n1,apple\n2,pear\n3,fig\n")
    queue = resolvers.client("sqs").create_queue(QueueName="shipping")["QueueUrl"]
    row = {
        "StartAt": "Save",
        "States": {
            "Save": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": TABLE, "Item": {"id": {"S.$": "$.id"}, "item": {"S.$": "$.item"}}},
                "ResultPath": None,
                "Next": "Ship",
            },
            "Ship": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": queue, "MessageBody.$": "$"},
                "ResultSelector": {"MessageId.$": "$.MessageId"},
                "End": True,
            },
        },
    }
    machine = {
        "StartAt": "Rows",
        "States": {
            "Rows": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                    "Parameters": {"Bucket": "orders-in", "Key": "orders.csv"},
                },
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **row},
                "End": True,
            }
        },
    }
    execution = run(resolvers, machine)
    assert execution.status == "SUCCEEDED", execution.cause
    assert len(execution.output) == 3
    stored = table.scan(TableName=TABLE)["Items"]
    assert sorted(item["item"]["S"] for item in stored) == ["apple", "fig", "pear"]
    messages = resolvers.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert sorted(json.loads(m["Body"])["item"] for m in messages) == ["apple", "fig", "pear"]


# -- optimized integrations ----------------------------------------------------------------------


def test_dynamodb_get_item_returns_the_item_with_sdk_metadata(resolvers: AwsResolvers, table: Any) -> None:
    """dynamodb:getItem returns Item as the service sent it plus SdkHttpMetadata and SdkResponseMetadata."""
    table.put_item(TableName=TABLE, Item={"id": {"S": "a"}, "n": {"N": "5"}})
    machine = ended(task("arn:aws:states:::dynamodb:getItem", {"TableName": TABLE, "Key": {"id": {"S": "a"}}}))
    output = run(resolvers, machine).output
    assert output["Item"] == {"id": {"S": "a"}, "n": {"N": "5"}}
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert set(output["SdkResponseMetadata"]) == {"RequestId"}


def test_dynamodb_conditional_check_failure_is_named_as_the_optimized_integration_names_it(
    resolvers: AwsResolvers, table: Any
) -> None:
    """A failed ConditionExpression fails with DynamoDB.ConditionalCheckFailedException."""
    table.put_item(TableName=TABLE, Item={"id": {"S": "a"}})
    params = {"TableName": TABLE, "Item": {"id": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(id)"}
    execution = run(resolvers, ended(task("arn:aws:states:::dynamodb:putItem", params)))
    assert execution.error == "DynamoDB.ConditionalCheckFailedException"
    assert "(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException;" in (
        execution.cause or ""
    )


def test_dynamodb_update_and_delete_item(resolvers: AwsResolvers, table: Any) -> None:
    """updateItem returns Attributes (ReturnValues) and deleteItem removes the item."""
    table.put_item(TableName=TABLE, Item={"id": {"S": "a"}, "n": {"N": "1"}})
    machine = {
        "StartAt": "Up",
        "States": {
            "Up": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:updateItem",
                "Parameters": {
                    "TableName": TABLE,
                    "Key": {"id": {"S": "a"}},
                    "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                    "ReturnValues": "ALL_NEW",
                },
                "ResultSelector": {"n.$": "$.Attributes.n.N"},
                "ResultPath": "$.updated",
                "Next": "Del",
            },
            "Del": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:deleteItem",
                "Parameters": {"TableName": TABLE, "Key": {"id": {"S": "a"}}},
                "ResultPath": None,
                "End": True,
            },
        },
    }
    execution = run(resolvers, machine)
    assert execution.output == {"updated": {"n": "2"}}
    assert table.scan(TableName=TABLE)["Count"] == 0


def test_sqs_send_message_sends_a_json_value_as_json_text(resolvers: AwsResolvers) -> None:
    """sqs:sendMessage with an object MessageBody sends compact JSON and returns MD5OfMessageBody."""
    queue = resolvers.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    machine = ended(task("arn:aws:states:::sqs:sendMessage", {"QueueUrl": queue, "MessageBody": {"a": [1, 2]}}))
    output = run(resolvers, machine).output
    assert set(output) >= {"MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}
    body = resolvers.client("sqs").receive_message(QueueUrl=queue)["Messages"][0]["Body"]
    assert body == '{"a":[1,2]}'


def test_sns_publish_returns_the_message_id(resolvers: AwsResolvers) -> None:
    """sns:publish returns MessageId."""
    topic = resolvers.client("sns").create_topic(Name="t")["TopicArn"]
    machine = ended(task("arn:aws:states:::sns:publish", {"TopicArn": topic, "Message": {"x": 1}}))
    output = run(resolvers, machine).output
    assert isinstance(output["MessageId"], str)


def test_sns_publish_to_a_missing_topic_fails_with_the_sns_error_name(resolvers: AwsResolvers) -> None:
    """Publishing to a topic that does not exist fails with SNS.NotFoundException."""
    topic = "arn:aws:sns:us-east-1:123456789012:missing"
    execution = run(resolvers, ended(task("arn:aws:states:::sns:publish", {"TopicArn": topic, "Message": "m"})))
    assert execution.error == "SNS.NotFoundException"


def test_events_put_events_adds_the_execution_to_resources(resolvers: AwsResolvers) -> None:
    """events:putEvents returns Entries and FailedEntryCount 0 for accepted events."""
    entries = [{"Source": "orders", "DetailType": "created", "Detail": {"id": 1}}]
    output = run(resolvers, ended(task("arn:aws:states:::events:putEvents", {"Entries": entries}))).output
    assert output["FailedEntryCount"] == 0
    assert len(output["Entries"]) == 1


# -- aws-sdk -------------------------------------------------------------------------------------


def test_aws_sdk_result_has_pascal_case_members_and_no_response_metadata(resolvers: AwsResolvers, table: Any) -> None:
    """aws-sdk:dynamodb:getItem returns Item without SdkHttpMetadata or ResponseMetadata."""
    table.put_item(TableName=TABLE, Item={"id": {"S": "a"}, "ok": {"BOOL": True}})
    machine = ended(task("arn:aws:states:::aws-sdk:dynamodb:getItem", {"TableName": TABLE, "Key": {"id": {"S": "a"}}}))
    assert run(resolvers, machine).output == {"Item": {"id": {"S": "a"}, "ok": {"Bool": True}}}


def test_aws_sdk_errors_are_named_service_dot_exception(resolvers: AwsResolvers, table: Any) -> None:
    """An aws-sdk DynamoDB condition failure is DynamoDb.ConditionalCheckFailedException."""
    table.put_item(TableName=TABLE, Item={"id": {"S": "a"}})
    params = {"TableName": TABLE, "Item": {"id": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(id)"}
    execution = run(resolvers, ended(task("arn:aws:states:::aws-sdk:dynamodb:putItem", params)))
    assert execution.error == "DynamoDb.ConditionalCheckFailedException"
    assert (execution.cause or "").endswith(")")
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in (execution.cause or "")


def test_aws_sdk_error_without_exception_suffix_gets_one(resolvers: AwsResolvers) -> None:
    """S3's NoSuchKey is caught as S3.NoSuchKeyException."""
    resolvers.client("s3").create_bucket(Bucket="bucket-b")
    machine = ended(task("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": "bucket-b", "Key": "nope"}))
    machine["States"]["T"]["Catch"] = [{"ErrorEquals": ["S3.NoSuchKeyException"], "Next": "Caught"}]
    machine["States"]["Caught"] = {"Type": "Pass", "Result": "caught", "End": True}
    assert run(resolvers, machine).output == "caught"


def test_aws_sdk_s3_get_object_returns_the_body_as_text(resolvers: AwsResolvers) -> None:
    """aws-sdk:s3:getObject returns Body as text."""
    s3 = resolvers.client("s3")
    s3.create_bucket(Bucket="bucket-b")
    s3.put_object(Bucket="bucket-b", Key="k", Body=b"hello")
    machine = ended(task("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": "bucket-b", "Key": "k"}))
    output = run(resolvers, machine).output
    assert output["Body"] == "hello"
    assert output["ContentLength"] == 5


def test_aws_sdk_unknown_action_is_a_runtime_error(resolvers: AwsResolvers) -> None:
    """An action the service does not have fails with States.Runtime naming it."""
    execution = run(resolvers, ended(task("arn:aws:states:::aws-sdk:s3:frobnicate", {})))
    assert execution.error == "States.Runtime"
    assert "frobnicate" in (execution.cause or "")


def test_missing_required_parameter_is_the_service_base_exception(resolvers: AwsResolvers) -> None:
    """A call botocore refuses for a missing parameter fails with <Service>.<Service>Exception."""
    execution = run(resolvers, ended(task("arn:aws:states:::aws-sdk:dynamodb:getItem", {"TableName": TABLE})))
    assert execution.error == "DynamoDb.DynamoDbException"


# -- naming rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DynamoDB", "DynamoDb"),
        ("SQS", "Sqs"),
        ("S3", "S3"),
        ("SFN", "Sfn"),
        ("ACM PCA", "AcmPca"),
        ("EventBridge", "EventBridge"),
        ("executionArn", "ExecutionArn"),
        ("MD5OfMessageBody", "Md5OfMessageBody"),
        ("ETag", "ETag"),
        ("SSEKMSKeyId", "SsekmsKeyId"),
        ("BOOL", "Bool"),
    ],
)
def test_pascal_spells_names_as_the_java_sdk_v2_does(name: str, expected: str) -> None:
    """Service and member names are PascalCase with acronyms capitalised once."""
    assert pascal(name) == expected


def test_pascal_case_parameters_reach_camel_case_members(resolvers: AwsResolvers) -> None:
    """StateMachineArn reaches Step Functions' stateMachineArn and a JSON Input becomes text."""
    shape = resolvers.client("stepfunctions").meta.service_model
    input_shape = shape.operation_model("StartExecution").input_shape
    converted = to_boto({"StateMachineArn": "arn:x", "Input": {"a": 1}}, input_shape)
    assert converted == {"stateMachineArn": "arn:x", "input": '{"a":1}'}


def test_camel_case_response_members_come_back_pascal_case(resolvers: AwsResolvers) -> None:
    """A StartExecution response's executionArn is returned as ExecutionArn."""
    shape = resolvers.client("stepfunctions").meta.service_model
    output_shape = shape.operation_model("StartExecution").output_shape
    assert from_boto({"executionArn": "arn:e"}, output_shape) == {"ExecutionArn": "arn:e"}


# -- Credentials: a Task calling as another role ---------------------------------------------------

OTHER_ACCOUNT = "222233334444"


def with_role(machine: dict[str, Any], role: str) -> dict[str, Any]:
    """``machine`` whose Task has ``Credentials.RoleArn`` = ``role``."""
    machine["States"]["T"]["Credentials"] = {"RoleArn": role}
    return machine


def test_credentials_role_is_assumed_with_the_execution_name_as_session(resolvers: AwsResolvers) -> None:
    """A Task with Credentials calls as that role: STS's caller identity is the assumed role, session = execution."""
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/Reader"
    machine = with_role(ended(task("arn:aws:states:::aws-sdk:sts:getCallerIdentity", {})), role)
    out = asl.run(machine, {}, resolvers=resolvers.resolvers(), context={"Execution": {"Name": "order-7"}})
    assert out["Arn"] == f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/Reader/order-7"


def test_credentials_reach_another_accounts_table(resolvers: AwsResolvers, table: Any) -> None:
    """putItem with Credentials writes the role's account's table; without them the engine's account is used."""
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/Writer"
    theirs = resolvers.client("dynamodb", role_arn=role, session_name="setup")
    theirs.create_table(
        TableName="ledger",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    put = {"TableName": "ledger", "Item": {"id": {"S": "l-1"}}}
    cross = run(resolvers, with_role(ended(task("arn:aws:states:::dynamodb:putItem", put)), role))
    local = run(resolvers, ended(task("arn:aws:states:::dynamodb:putItem", put)))
    assert cross.status == "SUCCEEDED"
    assert theirs.get_item(TableName="ledger", Key={"id": {"S": "l-1"}})["Item"] == {"id": {"S": "l-1"}}
    assert (local.status, local.error) == ("FAILED", "DynamoDB.ResourceNotFoundException")


def test_assumed_credentials_are_kept_per_role(resolvers: AwsResolvers) -> None:
    """Two executions with the same role make one AssumeRole call; another role makes its own."""
    calls: list[str] = []
    sts = resolvers.client("sts", "us-east-1")
    sts.meta.events.register("before-call.sts.AssumeRole", lambda params, **_: calls.append(params["body"]["RoleArn"]))
    identity = ended(task("arn:aws:states:::aws-sdk:sts:getCallerIdentity", {}))
    first, second = (f"arn:aws:iam::{OTHER_ACCOUNT}:role/Kept{n}" for n in (1, 2))
    for role in (first, first, second):
        assert run(resolvers, with_role(json.loads(json.dumps(identity)), role)).status == "SUCCEEDED"
    assert calls == [first, second]


def test_credentials_without_a_role_arn_string_fail_with_states_runtime(resolvers: AwsResolvers) -> None:
    """Credentials whose RoleArn evaluates to something other than a string fail the task with States.Runtime."""
    machine = ended(task("arn:aws:states:::aws-sdk:sts:getCallerIdentity", {}))
    machine["States"]["T"]["Credentials"] = {"RoleArn.$": "$.role"}
    execution = run(resolvers, machine, {"role": 7})
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")

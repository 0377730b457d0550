"""Resolvers that call AWS (or LocalStack, or moto) through boto3.

:class:`AwsResolvers` serves

* ``arn:aws:states:::aws-sdk:<service>:<action>`` for any service botocore knows: parameters
  converted by Step Functions' naming rules (:mod:`asl.aws._shapes`), the response without
  ``ResponseMetadata`` with its members in PascalCase, SDK errors named ``<Service>.<Error>``;
* the optimized integrations ``dynamodb:getItem`` / ``putItem`` / ``updateItem`` /
  ``deleteItem``, ``sqs:sendMessage``, ``sns:publish``, ``events:putEvents`` (each also with
  ``.waitForTaskToken`` under an :class:`asl.engine.Engine`): the response as the service sent
  it plus ``SdkHttpMetadata`` / ``SdkResponseMetadata``, errors named as those integrations name
  them (``DynamoDB.ConditionalCheckFailedException``, ``SNS.NotFoundException``, ...; an
  error the service does not model: ``DynamoDB.AmazonDynamoDBException``); a JSON value given as
  ``MessageBody``, ``Message`` or an entry's ``Detail`` is sent as JSON text, and ``putEvents``
  adds the state machine and execution ARNs to each entry's ``Resources`` and fails with
  ``EventBridge.FailedEntry`` when an entry failed;
* ``s3:getObject``, ``s3:putObject`` and ``s3:listObjectsV2`` for a Distributed Map's
  ItemReader and ResultWriter.

A failure that never reached the service (no connection, no credentials) is ``States.TaskFailed``.
Calls run in worker threads so executions keep running meanwhile (``threads=False``: inline).

A Task with ``Credentials`` (``{"RoleArn": ...}``) calls the service as that role, as Step Functions
does: the role is assumed with STS (``AssumeRole``, the session named after the execution) and its
temporary credentials are kept per role until shortly before they expire.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import anyio.to_thread

from ..errors import RUNTIME, TASK_FAILED, StatesError
from ..resolvers import Resolver, TaskCall, live_context, sdk_metadata
from ._shapes import from_boto, json_safe, pascal, to_boto

__all__ = ["AwsResolvers", "aws_resolvers"]

_SDK: Final = re.compile(r"arn:[^:]+:states:::aws-sdk:(?P<service>[^:]+):(?P<action>[^.]+)(?:\..*)?")
_HOME: Final = re.compile(r"arn:[^:]+:states:(?P<region>[^:]+):")
#: Characters STS refuses in a RoleSessionName.
_NOT_IN_SESSION_NAME: Final = re.compile(r"[^\w+=,.@-]")
#: Assumed-role credentials are renewed when they have less than this left.
_RENEW_BEFORE: Final = timedelta(minutes=5)

#: aws-sdk service names that differ from boto3's.
_SERVICE_ALIASES: Final = {"sfn": "stepfunctions", "eventbridge": "events", "cloudwatchlogs": "logs"}

#: Optimized integrations: boto3 service -> (error prefix, Java SDK 1.x service name, unmodeled error).
_OPTIMIZED: Final = {
    "dynamodb": ("DynamoDB", "AmazonDynamoDBv2", "AmazonDynamoDBException"),
    "sqs": ("SQS", "AmazonSQS", "AmazonSQSException"),
    "sns": ("SNS", "AmazonSNS", "AmazonSNSException"),
    "events": ("EventBridge", "AmazonEventBridge", "AmazonEventBridgeException"),
    "s3": ("S3", "Amazon S3", "AmazonS3Exception"),
}

#: HTTP header names as the services spell them (botocore lower-cases them).
_HEADER_CASE: Final = {
    "x-amzn-requestid": "x-amzn-RequestId",
    "x-amz-crc32": "x-amz-crc32",
    "x-amz-request-id": "x-amz-request-id",
    "x-amz-id-2": "x-amz-id-2",
    "content-length": "Content-Length",
    "content-type": "Content-Type",
    "connection": "Connection",
    "date": "Date",
    "server": "Server",
    "etag": "ETag",
}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _execution(call: TaskCall) -> Mapping[str, Any]:
    execution = live_context(call).get("Execution")
    return execution if isinstance(execution, Mapping) else {}


def _region(call: TaskCall) -> str | None:
    """The execution's region, from ``$$.Execution.Id``."""
    ident = _execution(call).get("Id")
    m = _HOME.match(ident) if isinstance(ident, str) else None
    return m["region"] if m else None


def _role_arn(call: TaskCall) -> str | None:
    """The ``Credentials.RoleArn`` of the Task, if it has one."""
    credentials = call.credentials
    if credentials is None:
        return None
    role = credentials.get("RoleArn") if isinstance(credentials, Mapping) else None
    if not isinstance(role, str) or not role:
        detail = f"got: {credentials!r:.200}"
        raise StatesError(RUNTIME, f"The Credentials of state '{call.state_name}' must have a RoleArn string, {detail}")
    return role


def session_name(execution_name: Any) -> str:
    """A RoleSessionName STS accepts (2 to 64 of ``[\\w+=,.@-]``), made from the execution name."""
    name = _NOT_IN_SESSION_NAME.sub("-", str(execution_name or ""))[:64]
    return name if len(name) >= 2 else "asl-execution"


def _error_name(exc: Any, client: Any) -> str | None:
    """The modeled error shape of a botocore ClientError, or None when the service does not model it."""
    name = type(exc).__name__
    if name != "ClientError":
        return name
    code = exc.response.get("Error", {}).get("Code", "")
    shape = client.meta.service_model.shape_for_error_code(code) if code else None
    return shape.name if shape is not None else None


def _suffixed(name: str) -> str:
    return name if name.endswith("Exception") else name + "Exception"


class AwsResolvers:
    """boto3-backed resolvers for ``aws-sdk`` and optimized integrations.

    ``session`` is a ``boto3.Session`` (default: a new one). ``region_name`` fixes the region
    (default: the execution's, from its ARN, else the session's). ``endpoint_url`` and
    ``client_kwargs`` go to every client (LocalStack: ``endpoint_url="http://localhost:4566"``).
    """

    def __init__(
        self,
        session: Any = None,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        client_kwargs: Mapping[str, Any] | None = None,
        threads: bool = True,
    ) -> None:
        import boto3

        self.session = session if session is not None else boto3.Session()
        self.region_name = region_name
        self._client_kwargs = dict(client_kwargs or {})
        if endpoint_url is not None:
            self._client_kwargs["endpoint_url"] = endpoint_url
        self._threads = threads
        self._clients: dict[tuple[str, str, str | None], tuple[Any, str | None]] = {}
        self._roles: dict[str, dict[str, Any]] = {}
        self._services: dict[str, str | None] = {}
        self._lock = threading.Lock()

    # -- clients ----------------------------------------------------------------------------------

    def client(
        self, service: str, region: str | None = None, *, role_arn: str | None = None, session_name: str = "asl"
    ) -> Any:
        """A cached boto3 client for ``service`` (a boto3 name) in ``region``.

        With ``role_arn`` the client uses that role's temporary credentials (:meth:`assume_role`);
        it is rebuilt when they are renewed. This may call STS: call it off the event loop.
        """
        region = self.region_name or region or self.session.region_name or "us-east-1"
        key = (service, region, role_arn)
        credentials = self.assume_role(role_arn, session_name, region) if role_arn is not None else {}
        key_id = credentials.get("AccessKeyId")
        with self._lock:
            cached = self._clients.get(key)
            if cached is not None and cached[1] == key_id:
                return cached[0]
        extra = self._client_kwargs
        if credentials:
            extra = {
                **extra,
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
        client = self.session.client(service, region_name=region, **extra)
        with self._lock:
            self._clients[key] = (client, key_id)
        return client

    def assume_role(self, role_arn: str, session_name: str, region: str | None = None) -> dict[str, Any]:
        """The temporary credentials of ``role_arn`` (STS ``AssumeRole``), kept per role until they near expiry.

        A role that cannot be assumed fails the task with ``States.TaskFailed``.
        """
        with self._lock:
            credentials = self._roles.get(role_arn)
        if credentials is not None and credentials["Expiration"] - datetime.now(UTC) > _RENEW_BEFORE:
            return credentials
        sts = self.client("sts", region)
        try:
            credentials = dict(sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"])
        except Exception as exc:
            raise StatesError(TASK_FAILED, f"Unable to assume the role '{role_arn}': {exc}") from exc
        with self._lock:
            self._roles[role_arn] = credentials
        return credentials

    def _call_client(self, service: str, call: TaskCall) -> Any:
        """The client for one Task call: the engine's credentials, or the Task's role's."""
        role = _role_arn(call)
        if role is None:
            return self.client(service, _region(call))
        name = session_name(_execution(call).get("Name"))
        return self.client(service, _region(call), role_arn=role, session_name=name)

    def boto_service(self, name: str) -> str | None:
        """The boto3 service an ``aws-sdk:<name>`` resource means, or None."""
        if name in self._services:
            return self._services[name]
        available = self.session.get_available_services()
        lowered = name.lower()
        found = _SERVICE_ALIASES.get(lowered) or next(
            (service for service in available if service.replace("-", "") == lowered), None
        )
        self._services[name] = found
        return found

    async def _run(self, fn: Callable[[], Any]) -> Any:
        if self._threads:
            return await anyio.to_thread.run_sync(fn)
        return fn()

    # -- aws-sdk ----------------------------------------------------------------------------------

    async def sdk(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::aws-sdk:<service>:<action>``."""
        m = _SDK.fullmatch(call.resource)
        service = self.boto_service(m["service"]) if m else None
        if m is None or service is None:
            raise StatesError(RUNTIME, f"The resource '{call.resource}' names no AWS service botocore knows.")
        client = self.client(service, _region(call))
        model = client.meta.service_model
        operation = next((op for op in model.operation_names if op.lower() == m["action"].lower()), None)
        if operation is None:
            raise StatesError(RUNTIME, f"The service '{m['service']}' has no action '{m['action']}'.")
        op_model = model.operation_model(operation)
        params = to_boto(payload if payload is not None else {}, op_model.input_shape)
        method_name = _method(client, operation)
        prefix = pascal(model.service_id)

        def call_sdk() -> Any:
            method = getattr(self._call_client(service, call), method_name)
            try:
                response = method(**params)
            except Exception as exc:
                raise self._sdk_error(exc, client, prefix) from exc
            response.pop("ResponseMetadata", None)
            return from_boto(response, op_model.output_shape)

        return await self._run(call_sdk)

    @staticmethod
    def _sdk_error(exc: Exception, client: Any, prefix: str) -> StatesError:
        from botocore.exceptions import ClientError, ParamValidationError

        if isinstance(exc, ClientError):
            name = _error_name(exc, client)
            meta = exc.response.get("ResponseMetadata", {})
            message = exc.response.get("Error", {}).get("Message", "")
            details = [
                f"Service: {prefix}",
                f"Status Code: {meta.get('HTTPStatusCode', 400)}",
                f"Request ID: {meta.get('RequestId', '')}",
            ]
            if meta.get("HostId"):
                details.append(f"Extended Request ID: {meta['HostId']}")
            return StatesError(f"{prefix}.{_suffixed(name or prefix)}", f"{message} ({', '.join(details)})")
        if isinstance(exc, ParamValidationError):
            return StatesError(f"{prefix}.{prefix}Exception", str(exc))
        return StatesError(TASK_FAILED, f"{type(exc).__name__}: {exc}")

    # -- optimized integrations -----------------------------------------------------------------

    async def _optimized(self, service: str, operation: str, params: dict[str, Any], call: TaskCall) -> Any:
        def call_service() -> Any:
            client = self._call_client(service, call)
            method = getattr(client, _method(client, operation))
            try:
                response = method(**params)
            except Exception as exc:
                raise self._optimized_error(exc, client, service) from exc
            meta = response.pop("ResponseMetadata", {})
            headers = {_HEADER_CASE.get(k, k.title()): v for k, v in (meta.get("HTTPHeaders") or {}).items()}
            request_id = meta.get("RequestId", "")
            return {**json_safe(response), **sdk_metadata(headers, request_id, status=meta.get("HTTPStatusCode", 200))}

        return await self._run(call_service)

    @staticmethod
    def _optimized_error(exc: Exception, client: Any, service: str) -> StatesError:
        from botocore.exceptions import ClientError

        prefix, java_name, unmodeled = _OPTIMIZED[service]
        if not isinstance(exc, ClientError):
            return StatesError(TASK_FAILED, f"{type(exc).__name__}: {exc}")
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        name = _error_name(exc, client)
        code = error.get("Code", "")
        cause = (
            f"{error.get('Message', '')} (Service: {java_name}; Status Code: {meta.get('HTTPStatusCode', 400)}; "
            f"Error Code: {code}; Request ID: {meta.get('RequestId', '')}; Proxy: null)"
        )
        return StatesError(f"{prefix}.{_suffixed(name) if name else unmodeled}", cause)

    def _dynamodb(self, operation: str) -> Resolver:
        async def resolve(payload: Any, call: TaskCall) -> Any:
            return await self._optimized("dynamodb", operation, _params(payload), call)

        return resolve

    async def sqs_send_message(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::sqs:sendMessage``."""
        params = _params(payload)
        if "MessageBody" in params and not isinstance(params["MessageBody"], str):
            params["MessageBody"] = _compact(params["MessageBody"])
        return await self._optimized("sqs", "SendMessage", params, call)

    async def sns_publish(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::sns:publish``."""
        params = _params(payload)
        if "Message" in params and not isinstance(params["Message"], str):
            params["Message"] = _compact(params["Message"])
        return await self._optimized("sns", "Publish", params, call)

    async def events_put_events(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::events:putEvents``."""
        params = _params(payload)
        owners = [
            section.get("Id")
            for section in (call.context.get("StateMachine"), call.context.get("Execution"))
            if isinstance(section, Mapping) and isinstance(section.get("Id"), str)
        ]
        entries = []
        for given in params.get("Entries") or []:
            entry = dict(given)
            if isinstance(entry.get("Detail"), (dict, list)):
                entry["Detail"] = _compact(entry["Detail"])
            entry["Resources"] = [*(entry.get("Resources") or []), *owners]
            entries.append(entry)
        params["Entries"] = entries
        result = await self._optimized("events", "PutEvents", params, call)
        if result.get("FailedEntryCount"):
            raise StatesError("EventBridge.FailedEntry", _compact(result))
        return result

    async def s3_get_object(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::s3:getObject`` (ItemReader): the body as text (bytes when not UTF-8)."""
        def get() -> Any:
            client = self._call_client("s3", call)
            try:
                response = client.get_object(**_params(payload))
            except Exception as exc:
                raise self._optimized_error(exc, client, "s3") from exc
            data = response["Body"].read()
            try:
                body: str | bytes = data.decode()
            except UnicodeDecodeError:
                body = data
            out = {k: json_safe(v) for k, v in response.items() if k not in ("Body", "ResponseMetadata")}
            return {"Body": body, **out}

        return await self._run(get)

    async def s3_put_object(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::s3:putObject`` (ResultWriter): a JSON value as ``Body`` is written as JSON text."""
        params = _params(payload)
        if "Body" in params and not isinstance(params["Body"], (str, bytes)):
            params["Body"] = _compact(params["Body"])
        return await self._optimized("s3", "PutObject", params, call)

    async def s3_list_objects_v2(self, payload: Any, call: TaskCall) -> Any:
        """``arn:aws:states:::s3:listObjectsV2`` (ItemReader)."""
        return await self._optimized("s3", "ListObjectsV2", _params(payload), call)

    def resolvers(self) -> dict[str, Resolver]:
        """Every integration under its Resource key (``aws-sdk`` as a glob), for ``resolvers=``."""
        table: dict[str, Resolver] = {"arn:*:states:::aws-sdk:*": self.sdk}
        for action, operation in (
            ("getItem", "GetItem"),
            ("putItem", "PutItem"),
            ("updateItem", "UpdateItem"),
            ("deleteItem", "DeleteItem"),
        ):
            table[f"arn:aws:states:::dynamodb:{action}"] = self._dynamodb(operation)
        table["arn:aws:states:::sqs:sendMessage"] = self.sqs_send_message
        table["arn:aws:states:::sns:publish"] = self.sns_publish
        table["arn:aws:states:::events:putEvents"] = self.events_put_events
        table["arn:aws:states:::s3:getObject"] = self.s3_get_object
        table["arn:aws:states:::s3:putObject"] = self.s3_put_object
        table["arn:aws:states:::s3:listObjectsV2"] = self.s3_list_objects_v2
        return table

    def __repr__(self) -> str:
        return f"AwsResolvers(region_name={self.region_name!r})"


def _params(payload: Any) -> dict[str, Any]:
    return dict(payload) if isinstance(payload, Mapping) else {}


def _method(client: Any, operation: str) -> str:
    """The boto3 method name of an API operation (``PutItem`` -> ``put_item``)."""
    for method, api in client.meta.method_to_api_mapping.items():
        if api == operation:
            return str(method)
    raise StatesError(RUNTIME, f"boto3 has no method for the operation '{operation}'.")


def aws_resolvers(session: Any = None, **options: Any) -> dict[str, Resolver]:
    """``AwsResolvers(session, **options).resolvers()``: pass it as ``resolvers=`` (merge in your own)."""
    return AwsResolvers(session, **options).resolvers()

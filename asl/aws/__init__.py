"""Real AWS calls for Task states, through boto3 (the optional extra ``asl-engine[aws]``).

``resolvers=asl.aws.aws_resolvers()`` serves ``arn:aws:states:::aws-sdk:<service>:<action>``
for any service botocore knows and the common optimized integrations (DynamoDB, SQS, SNS,
EventBridge, S3 for Distributed Map), with Step Functions' parameter names, result shapes and
error names. Point it at AWS, at LocalStack (``endpoint_url=``) or at moto. Importing this
package needs boto3 only when :class:`AwsResolvers` is built.
"""

from __future__ import annotations

from ._resolvers import AwsResolvers as AwsResolvers
from ._resolvers import aws_resolvers as aws_resolvers
from ._shapes import pascal as pascal

__all__ = ["AwsResolvers", "aws_resolvers", "pascal"]

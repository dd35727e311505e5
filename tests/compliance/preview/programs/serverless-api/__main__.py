"""Lambda behind API Gateway, its role passed as a resource and its policy from a data source."""

import pulumi
import pulumi_aws as aws

assume = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
        }
    ]
)
role = aws.iam.Role("api-role", assume_role_policy=assume.json)
fn = aws.lambda_.Function(
    "api", role=role, runtime="python3.12", handler="app.handler", code=pulumi.AssetArchive({})
)
api = aws.apigatewayv2.Api("http-api", protocol_type="HTTP", target=fn.arn)
aws.lambda_.Permission(
    "api-invoke", action="lambda:InvokeFunction", function=fn, principal="apigateway.amazonaws.com"
)
pulumi.export("url", api.api_endpoint)

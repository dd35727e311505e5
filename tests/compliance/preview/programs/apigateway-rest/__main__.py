"""A REST API with a mock integration, deployed to a stage that has no access logs."""

import hashlib
import json

import pulumi
import pulumi_aws as aws

api = aws.apigateway.RestApi(
    "payments-api",
    body=json.dumps(
        {
            "openapi": "3.0.1",
            "info": {"title": "payments", "version": "1.0"},
            "paths": {
                "/health": {
                    "get": {
                        "x-amazon-apigateway-integration": {
                            "type": "MOCK",
                            "requestTemplates": {"application/json": '{"statusCode": 200}'},
                        }
                    }
                }
            },
        }
    ),
    tags={"Owner": "payments"},
)
deployment = aws.apigateway.Deployment(
    "payments-deployment",
    rest_api=api.id,
    triggers={"redeployment": api.body.apply(lambda b: hashlib.sha256(b.encode()).hexdigest())},
)
stage = aws.apigateway.Stage(
    "v1", rest_api=api.id, deployment=deployment.id, stage_name="v1", xray_tracing_enabled=True
)
pulumi.export("url", stage.invoke_url)

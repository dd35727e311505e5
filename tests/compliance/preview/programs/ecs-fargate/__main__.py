"""A Fargate service in the default VPC behind a security group."""

import json

import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
cluster = aws.ecs.Cluster("cluster")
sg = aws.ec2.SecurityGroup(
    "web",
    vpc_id=vpc.id,
    ingress=[{"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]}],
)
task = aws.ecs.TaskDefinition(
    "app",
    family="app",
    cpu="256",
    memory="512",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    container_definitions=json.dumps(
        [{"name": "app", "image": "nginx", "portMappings": [{"containerPort": 80}]}]
    ),
)
aws.ecs.Service(
    "svc",
    cluster=cluster.arn,
    task_definition=task.arn,
    desired_count=1,
    launch_type="FARGATE",
    network_configuration={
        "subnets": subnets.ids,
        "security_groups": [sg.id],
        "assign_public_ip": True,
    },
)

"""An EKS cluster with its role and a node group, in looked-up subnets."""

import pulumi_aws as aws

subnets = aws.ec2.get_subnets()
trust = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [
                {"type": "Service", "identifiers": ["eks.amazonaws.com", "ec2.amazonaws.com"]}
            ],
        }
    ]
)
role = aws.iam.Role("eks-role", assume_role_policy=trust.json)
aws.iam.RolePolicyAttachment(
    "eks-policy", role=role.name, policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
)
cluster = aws.eks.Cluster("eks", role_arn=role.arn, vpc_config={"subnet_ids": subnets.ids})
aws.eks.NodeGroup(
    "nodes",
    cluster_name=cluster.name,
    node_role_arn=role.arn,
    subnet_ids=subnets.ids,
    scaling_config={"desired_size": 2, "min_size": 1, "max_size": 3},
)

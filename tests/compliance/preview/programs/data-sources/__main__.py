"""Looks up the default VPC, its subnets, an AMI and a hosted zone, then builds on them."""

import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
ami = aws.ec2.get_ami(
    most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*"]}]
)
zone = aws.route53.get_zone(name="example.com")
zones = aws.get_availability_zones(state="available")
key = aws.kms.get_key(key_id="alias/aws/ebs")
aws.ec2.Instance("web", ami=ami.id, instance_type="t3.micro", subnet_id=subnets.ids[0])
aws.route53.Record(
    "www", zone_id=zone.zone_id, name="www.example.com", type="A", ttl=300, records=["10.0.0.1"]
)
aws.ec2.SecurityGroup("sg", vpc_id=vpc.id, description=f"in {zones.names[0]} with {key.arn}")

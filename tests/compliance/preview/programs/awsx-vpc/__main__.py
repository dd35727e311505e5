"""A VPC from pulumi_awsx, a component whose children its own plugin creates."""

import pulumi_awsx as awsx

awsx.ec2.Vpc("network", number_of_availability_zones=2)

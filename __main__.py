"""Pulumi entry point: read the config once, build the platform, export its outputs."""

import pulumi

from stack.config import read_secret_values, read_stack_config
from stack.platform import PaymentWebhooks

platform = PaymentWebhooks(read_stack_config(), secret_values=read_secret_values())
for name, value in platform.outputs.items():
    pulumi.export(name, value)

"""Payment webhook handlers: the receiver (Function URL) and the processor (SQS consumer).

This package is deployed as the Lambda bundle and imports nothing from Pulumi.
"""

"""DynamoDB table rules (the transaction store)."""

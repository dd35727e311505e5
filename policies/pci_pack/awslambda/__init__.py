"""Lambda function rules (receiver and processor)."""

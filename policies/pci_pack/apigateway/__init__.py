"""API Gateway rules (REST and HTTP/WebSocket APIs)."""

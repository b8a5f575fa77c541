"""Change jobs: the request, uv's preview, the engine that runs steps around uv, the lock and the history."""

import pytest
from django.db import connection

from tests.exports.conftest import celery_worker  # noqa: F401  (a real worker, in a thread)
from tests.faults.servers import RedisServer, Uvicorn, project_env


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def test_database_url(transactional_db):
    """The URL of pytest's test database: a server process sees the rows a test commits."""
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture
def serve():
    """``serve(**env)``: a started uvicorn on the test settings with that environment."""
    servers = []

    def start(*, args=(), command=None, **env):
        server = Uvicorn(project_env(**env), args=args, command=command)
        server.env.setdefault("PORT", str(server.port))  # for a command that reads it
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()

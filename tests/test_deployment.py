"""The production deployment files agree with the code: docker-compose.yml, Dockerfile, .env.example.

Static checks only (no Docker, no network, no servers): a renamed service, a new setting missing from
.env.example or a compose variable nobody reads fails here before a deployment does.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError

from douflow.settings import DEV_ENCRYPTION_KEY, DEV_PAYLOAD_KEY, Settings
from douflow.temporal.queues import SERVICES
from douflow.temporal.search import SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"

SETTINGS_ENV = {name.upper() for name in Settings.model_fields}
SECRET_FIELDS = {
    name.upper()
    for name, field in Settings.model_fields.items()
    if SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
}
# Variables docker-compose.yml interpolates that are not application settings.
COMPOSE_ONLY_VARIABLES = {
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRESQL_VERSION",
    "TEMPORAL_VERSION",
    "TEMPORAL_ADMINTOOLS_VERSION",
    "TEMPORAL_UI_VERSION",
    "TEMPORAL_HISTORY_SHARDS",
    "TEMPORAL_RETENTION",
    "DOUFLOW_IMAGE",
    "BFF_PUBLISH",
    "TEMPORAL_UI_PUBLISH",
}
# Secrets a production deployment must be given explicitly (compose fails when one is unset).
REQUIRED_SECRETS = {
    "JWT_SECRET",
    "ENCRYPTION_KEY",
    "PAYLOAD_KEY",
    "DOUYIN_CLIENT_KEY",
    "DOUYIN_CLIENT_SECRET",
    "DOUFLOW_DEMO_PASSWORD",
}
TEMPORAL_INFRA = {
    "postgresql",
    "temporal-admin-tools",
    "temporal",
    "temporal-create-namespace",
    "temporal-ui",
}
BFF = "gateway-bff"
MEDIA_USERS = {"agent-center", "content-center", "douyin-connector", BFF}
IMAGE_FAMILIES = {
    "postgresql": "postgres:",
    "temporal-admin-tools": "temporalio/admin-tools:",
    "temporal": "temporalio/server:",
    "temporal-create-namespace": "temporalio/admin-tools:",
    "temporal-ui": "temporalio/ui:",
}
COMPOSE_VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")


# ---- helpers ----


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def argv(command: str | list[str] | None) -> list[str]:
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def worker_services(command: list[str]) -> list[str] | None:
    """The `--services` of a `python worker.py` command, or None when it is not a worker."""
    if "worker.py" not in command:
        return None
    assert "--services" in command, f"worker without --services runs every queue: {command}"
    return command[command.index("--services") + 1].split(",")


def douflow_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in services.items() if "build" in svc}


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def module_defines(module: str, name: str) -> bool:
    """Whether `module` resolves on sys.path to a source file defining `name` at top level.

    Reads the source instead of importing it, so the check stays fast and independent of the app's
    start-up (its import is exercised by the API tests).
    """
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return False
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name
        for node in tree.body
    )


def uvicorn_target(command: list[str]) -> tuple[str, str]:
    assert command and command[0] == "uvicorn", command
    targets = [part for part in command[1:] if ":" in part and not part.startswith("-")]
    assert len(targets) == 1, command
    module, _, attr = targets[0].partition(":")
    return module, attr


def env_example_entries() -> list[tuple[str, str | None, str]]:
    """(name, value or None when commented out, comment line above) for every NAME= line."""
    entries: list[tuple[str, str | None, str]] = []
    previous = ""
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        match = re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            commented, name, value = match.groups()
            entries.append((name, None if commented else value, previous))
        previous = line
    return entries


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built in a test see neither the caller's environment nor a local .env."""
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)


# ---- (a) docker-compose.yml ----


def test_compose_has_the_production_services(services: dict[str, dict[str, Any]]) -> None:
    expected = TEMPORAL_INFRA | {"migrate", BFF} | set(SERVICES)
    assert set(services) == expected


def test_every_worker_container_runs_one_real_service(services: dict[str, dict[str, Any]]) -> None:
    assert (ROOT / "worker.py").is_file()
    covered: dict[str, str] = {}
    for name, svc in services.items():
        queues = worker_services(argv(svc.get("command")))
        if queues is None:
            continue
        assert queues == [name], f"container {name} must run exactly its own service, runs {queues}"
        assert name in SERVICES, f"{name} is not a service of douflow.temporal.SERVICES {SERVICES}"
        covered[name] = name
    assert set(covered) == set(SERVICES), f"services without a container: {set(SERVICES) - set(covered)}"


def test_bff_container_serves_the_real_factory(services: dict[str, dict[str, Any]]) -> None:
    bff = services[BFF]
    command = argv(bff["command"])
    module, attr = uvicorn_target(command)
    assert (module, attr) == ("api.gateway_bff.app", "create_app")
    assert "--factory" in command
    assert module_defines(module, attr), f"{module}:{attr} does not exist"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    port = command[command.index("--port") + 1]
    assert any(str(mapping).endswith(f":{port}") for mapping in bff["ports"])
    assert "healthcheck" in bff


def test_images_come_from_the_expected_families(compose: dict[str, Any]) -> None:
    assert "auto-setup" not in COMPOSE_FILE.read_text(encoding="utf-8")
    services = compose["services"]
    for name, prefix in IMAGE_FAMILIES.items():
        assert services[name]["image"].startswith(prefix), (name, services[name]["image"])
        assert "build" not in services[name]
    project = douflow_services(services)
    assert set(project) == {"migrate", BFF, *SERVICES}
    images = {svc["image"] for svc in project.values()}
    assert len(images) == 1, f"one image for every DouFlow service, found {images}"
    for svc in project.values():
        assert svc["build"]["context"] == "."
        assert (ROOT / svc["build"]["context"] / svc["build"]["dockerfile"]).resolve() == DOCKERFILE


def test_postgresql_is_persistent_and_healthchecked(services: dict[str, dict[str, Any]]) -> None:
    pg = services["postgresql"]
    assert pg["image"].split(":", 1)[1].startswith("${POSTGRESQL_VERSION:-16}")
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in pg["volumes"])
    assert "pg_isready" in " ".join(argv(pg["healthcheck"]["test"]))


def test_admin_tools_creates_both_temporal_schemas(services: dict[str, dict[str, Any]]) -> None:
    job = services["temporal-admin-tools"]
    script = " ".join(argv(job["command"]))
    assert "temporal-sql-tool" in script and "--plugin postgres12" in script
    for database, schema in (("temporal", "temporal"), ("temporal_visibility", "visibility")):
        for step in ("create", "setup-schema -v 0.0", "update-schema"):
            assert f"--db {database} {step}" in script, (database, step)
        assert f"/etc/temporal/schema/postgresql/v12/{schema}/versioned" in script
    assert job["depends_on"]["postgresql"]["condition"] == "service_healthy"


def test_temporal_server_uses_postgres_and_the_mounted_dynamic_config(
    services: dict[str, dict[str, Any]],
) -> None:
    temporal = services["temporal"]
    env = temporal["environment"]
    assert env["DB"] == "postgres12"
    assert env["POSTGRES_SEEDS"] == "postgresql"
    assert env["POSTGRES_USER"] and env["POSTGRES_PWD"].startswith("${POSTGRES_PASSWORD:?")
    assert env["BIND_ON_IP"] == "0.0.0.0"
    assert temporal["depends_on"]["temporal-admin-tools"]["condition"] == "service_completed_successfully"
    config_path = Path(env["DYNAMIC_CONFIG_FILE_PATH"])
    mounts = {}
    for volume in temporal["volumes"]:
        host, container, *_ = str(volume).split(":")
        mounts[Path(container)] = ROOT / host
    assert config_path.parent in mounts, f"{config_path} is not inside a mounted directory"
    host_file = mounts[config_path.parent] / config_path.name
    assert host_file == ROOT / "deploy/temporal/dynamicconfig/production.yaml"
    dynamic = yaml.safe_load(host_file.read_text(encoding="utf-8"))
    assert dynamic and isinstance(dynamic, dict)
    for key, values in dynamic.items():
        assert isinstance(values, list) and values, key
        assert all(isinstance(v, dict) and "value" in v for v in values), key


def test_namespace_job_registers_every_search_attribute(services: dict[str, dict[str, Any]]) -> None:
    job = services["temporal-create-namespace"]
    assert job["image"].startswith("temporalio/admin-tools:")
    assert job["depends_on"]["temporal"]["condition"] == "service_healthy"
    env = job["environment"]
    assert env["NAMESPACE"] == "${TEMPORAL_NAMESPACE:-douflow}"
    assert set(env["SEARCH_ATTRIBUTES"].split()) == {key.name for key in SEARCH_ATTRIBUTES}
    script = " ".join(argv(job["command"]))
    assert "temporal operator namespace create" in script
    assert "temporal operator search-attribute create" in script and "--type Keyword" in script


def test_temporal_ui_points_at_the_server(services: dict[str, dict[str, Any]]) -> None:
    assert services["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_migrate_runs_the_project_migrations(services: dict[str, dict[str, Any]]) -> None:
    migrate = services["migrate"]
    command = argv(migrate["command"])
    assert command[:2] == ["python", "-c"]
    tree = ast.parse(command[2])
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert any(node.module == "douflow.bootstrap" for node in imports)
    for node in imports:
        if node.module and node.module.startswith("douflow"):
            for alias in node.names:
                assert module_defines(node.module, alias.name), f"{node.module}.{alias.name}"
    assert migrate["depends_on"]["postgresql"]["condition"] == "service_healthy"
    assert str(migrate["restart"]).startswith("on-failure")


def test_depends_on_uses_conditions_on_real_services(services: dict[str, dict[str, Any]]) -> None:
    allowed = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, svc in services.items():
        for target, rule in (svc.get("depends_on") or {}).items():
            assert target in services, (name, target)
            assert isinstance(rule, dict) and rule.get("condition") in allowed, (name, target, rule)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits on {target} without a healthcheck"
    for name in {BFF, *SERVICES}:
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["temporal-create-namespace"]["condition"] == "service_completed_successfully", name


def test_douflow_containers_get_production_settings(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in douflow_services(services).items():
        env = svc["environment"]
        unknown = set(env) - SETTINGS_ENV
        assert not unknown, f"{name} sets variables Settings does not read: {sorted(unknown)}"
        assert env["DOUFLOW_ENV"] == "production", name
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://"), name
        assert "@postgresql:5432/" in env["DATABASE_URL"], name
        assert env["TEMPORAL_ADDRESS"] == "temporal:7233", name
        for secret in REQUIRED_SECRETS:
            assert str(env[secret]).startswith(f"${{{secret}:?"), f"{name}: {secret} must be required"


def test_every_compose_variable_is_known(compose: dict[str, Any]) -> None:
    used: set[str] = set()
    for text in strings(compose):
        for match in COMPOSE_VARIABLE.finditer(text):
            name = match.group(1) or match.group(2)
            if name:
                used.add(name)
    unknown = used - SETTINGS_ENV - COMPOSE_ONLY_VARIABLES
    assert not unknown, f"compose reads variables that are neither Settings fields nor listed: {unknown}"
    assert COMPOSE_ONLY_VARIABLES <= used, f"listed but unused: {COMPOSE_ONLY_VARIABLES - used}"
    assert not COMPOSE_ONLY_VARIABLES & SETTINGS_ENV


def test_media_volume_is_shared(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "media" in compose["volumes"]
    for name in MEDIA_USERS:
        media_dir = services[name]["environment"]["MEDIA_DIR"]
        assert f"media:{media_dir}" in services[name]["volumes"], name


# ---- Dockerfile and .dockerignore ----


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_dockerfile_builds_a_slim_non_root_image() -> None:
    steps = dockerfile_instructions()
    keywords = [k for k, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(rest for k, rest in steps if k == "RUN")
    assert "fonts-wqy-microhei" in runs
    assert "pip install" in runs and "[dev]" not in runs
    assert "PYTHONUNBUFFERED=1" in " ".join(rest for k, rest in steps if k == "ENV")
    user = [rest for k, rest in steps if k == "USER"]
    assert user and user[-1] not in {"root", "0"}
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")


def test_dockerfile_cmd_runs_the_bff_factory() -> None:
    cmd = [rest for k, rest in dockerfile_instructions() if k == "CMD"]
    assert len(cmd) == 1
    command = json.loads(cmd[0])
    module, attr = uvicorn_target(command)
    assert "--factory" in command
    assert module_defines(module, attr), f"{module}:{attr} does not exist"


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".data", ".env"} <= ignored
    assert "pyproject.toml" not in ignored and "worker.py" not in ignored


# ---- (b) .env.example ----


def test_env_example_lists_exactly_the_settings() -> None:
    names = [name for name, _, _ in env_example_entries()]
    assert len(names) == len(set(names)), "duplicate entries"
    missing = SETTINGS_ENV - set(names)
    unknown = set(names) - SETTINGS_ENV
    assert not missing and not unknown, f"missing: {sorted(missing)}, unknown: {sorted(unknown)}"


def test_env_example_documents_each_entry_and_holds_no_secret() -> None:
    for name, value, comment in env_example_entries():
        assert comment.startswith("# ") and "=" not in comment.split()[1], f"{name} has no comment line"
        if name in SECRET_FIELDS:
            assert "[secret]" in comment, f"{name} must be marked [secret]"
            assert value is None, f"{name} is a secret: leave it commented out"


def test_env_example_values_are_the_defaults(clean_env: None) -> None:
    documented = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    assert documented.model_dump() == Settings(_env_file=None).model_dump()  # type: ignore[call-arg]


# ---- (c) production refuses development secrets ----


def strong_secrets() -> dict[str, Any]:
    return {
        "jwt_secret": "p" * 48,
        "encryption_key": Fernet.generate_key().decode(),
        "payload_key": Fernet.generate_key().decode(),
        "douyin_client_secret": "real-douyin-secret-0123456789",
        "douflow_demo_password": "a-strong-demo-password-42",
    }


def test_production_refuses_default_secrets(clean_env: None) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, douflow_env="production")  # type: ignore[call-arg]
    for name in (
        "JWT_SECRET",
        "ENCRYPTION_KEY",
        "PAYLOAD_KEY",
        "DOUYIN_CLIENT_SECRET",
        "DOUFLOW_DEMO_PASSWORD",
    ):
        assert name in str(refused.value)


@pytest.mark.parametrize("left_default", sorted(strong_secrets()))
def test_production_refuses_each_default_secret(clean_env: None, left_default: str) -> None:
    values = strong_secrets()
    del values[left_default]
    with pytest.raises(ValidationError, match=left_default.upper()):
        Settings(_env_file=None, douflow_env="production", **values)  # type: ignore[call-arg]


def test_production_refuses_a_short_jwt_secret(clean_env: None) -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(_env_file=None, douflow_env="production", **{**strong_secrets(), "jwt_secret": "s" * 16})  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("field", "dev_key"), [("encryption_key", DEV_ENCRYPTION_KEY), ("payload_key", DEV_PAYLOAD_KEY)]
)
def test_production_refuses_a_rotation_ring_still_holding_a_development_key(
    clean_env: None, field: str, dev_key: str
) -> None:
    ring = {field: f"old:{dev_key},new:{Fernet.generate_key().decode()}", f"{field}_id": "new"}
    with pytest.raises(ValidationError, match=field.upper()):
        Settings(_env_file=None, douflow_env="production", **{**strong_secrets(), **ring})  # type: ignore[call-arg]


def test_production_accepts_strong_secrets(clean_env: None) -> None:
    settings = Settings(_env_file=None, douflow_env="production", **strong_secrets())  # type: ignore[call-arg]
    assert not settings.is_dev


@pytest.mark.parametrize("env", ["production", "development"])
@pytest.mark.parametrize("key", ["not-a-fernet-key", "c2hvcnQ=", ""])
def test_an_invalid_encryption_key_stops_the_start(clean_env: None, env: str, key: str) -> None:
    values = {**strong_secrets(), "encryption_key": key}
    with pytest.raises(ValidationError, match=r"ENCRYPTION_KEY(: key 'k1' must be 32 bytes| is empty)"):
        Settings(_env_file=None, douflow_env=env, **values)  # type: ignore[call-arg]


def test_a_refused_setting_does_not_print_the_secret(clean_env: None) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, douflow_env="production", jwt_secret="leaky-short-secret")  # type: ignore[call-arg]
    assert "JWT_SECRET" in str(refused.value)
    assert "leaky" not in str(refused.value)


def dockerfile_env() -> dict[str, str]:
    """The variables the image sets itself (`ENV A=1 B=2` lines), as a bare `docker run` sees them."""
    env: dict[str, str] = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "ENV":
            env.update(part.split("=", 1) for part in shlex.split(rest))
    return env


def test_the_image_alone_refuses_development_secrets(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in dockerfile_env().items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="production refuses development defaults"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("DOUFLOW_ENV", "development")
    assert Settings(_env_file=None).is_dev  # type: ignore[call-arg]

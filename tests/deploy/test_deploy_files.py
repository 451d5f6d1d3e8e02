"""What can be checked of the Docker files without a Docker engine."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))


def test_compose_has_bot_and_healthy_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    assert services["bot"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["bot"]["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert services["bot"]["env_file"] == ".env"
    assert "pgdata" in compose["volumes"]
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])


def test_every_setting_is_documented_in_env_example_and_readme() -> None:
    from config.settings import Settings

    names = {f.validation_alias for f in Settings.model_fields.values()}
    documented = _env_example_names()
    assert names <= documented, names - documented
    readme = (ROOT / "README.md").read_text()
    assert [n for n in names if n not in readme] == []


def test_dockerfile_is_multistage_nonroot_with_healthcheck_and_real_commands() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, flags=re.M)) >= 2
    assert re.search(r"^USER (?!root)\S+", text, flags=re.M)
    health = re.search(r"HEALTHCHECK.*\n\s*CMD (\[.*\])", text)
    cmd = re.search(r"^CMD (\[.*\])", text, flags=re.M)
    assert health and cmd
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "parley" in scripts
    # every `parley <subcommand>` the image runs must exist in the CLI
    words = " ".join(yaml.safe_load(health.group(1)) + yaml.safe_load(cmd.group(1)))
    for sub in re.findall(r"parley ([a-z]+(?: [a-z]+)?)", words):
        args = shlex.split(sub)
        out = subprocess.run(
            [str(ROOT / ".venv/bin/parley"), *args, "--help"], capture_output=True, text=True
        )
        assert out.returncode == 0, (sub, out.stderr)
    for path in re.findall(r"^COPY (?:--\S+ )*(\S+) ", text, flags=re.M):
        if not path.startswith("/"):
            assert (ROOT / path).exists(), path

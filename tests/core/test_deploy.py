import os
import subprocess
import sys


def test_production_settings_pass_deploy_checks(tmp_path):
    # Only what a production machine would have: not the test-only switches of this process.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HTTPS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "HUEY_IMMEDIATE")
    }
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "prod-" + "k3y!" * 16,
        "UNIONHOME_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "union.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-m", "unionhome.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE_DIR = Path(__file__).resolve().parent.parent / "sms_gdpr_b2b" / "compliance"
CORE_MODULES = sorted(CORE_DIR.glob("*.py"))


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda path: path.name)
def test_core_imports_no_odoo(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            root = name.split(".")[0]
            assert root != "odoo", f"{path.name}:{node.lineno} imports {name}"
            assert not root.startswith("sms_gdpr"), f"{path.name}:{node.lineno} imports {name} absolutely"


def test_core_package_import_light():
    code = "import sys, sms_gdpr_compliance; print(sorted(m for m in ('phonenumbers', 'holidays') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]", f"importing the package loaded {result.stdout.strip()}"

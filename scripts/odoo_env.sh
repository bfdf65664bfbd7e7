# Shared by the scripts in this folder: finds the Python that runs Odoo 18 and
# writes an Odoo configuration for this repository. Source it, do not run it.

# Print the interpreter that can import Odoo 18, or nothing.
# Order: $ODOO_PYTHON, then python3, then the interpreter of the `odoo` command.
find_odoo_python() {
    local candidates=()
    [ -n "${ODOO_PYTHON:-}" ] && candidates+=("$ODOO_PYTHON")
    candidates+=(python3)
    if command -v odoo >/dev/null 2>&1; then
        local shebang
        shebang=$(head -n 1 "$(command -v odoo)")
        [ "${shebang#\#!}" != "$shebang" ] && candidates+=("${shebang#\#!}")
    fi
    local python
    for python in "${candidates[@]}"; do
        if "$python" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' >/dev/null 2>&1; then
            echo "$python"
            return 0
        fi
    done
    return 1
}

# Print Odoo's own addons folders, newest tree first, then this repository.
odoo_addons_path() {
    local python=$1 repo=$2
    "$python" - "$repo" <<'PY'
import os, sys
import odoo.addons
paths = [p for p in odoo.addons.__path__ if os.path.isdir(os.path.join(p, "base"))]
root_addons = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
if os.path.isdir(root_addons) and root_addons not in paths:
    paths.append(root_addons)
paths.append(sys.argv[1])
print(",".join(paths))
PY
}

# Write an Odoo configuration file: write_odoo_config FILE PYTHON REPO DATABASE [HTTP_PORT]
write_odoo_config() {
    local file=$1 python=$2 repo=$3 database=$4 port=${5:-8069}
    cat > "$file" <<CONF
[options]
addons_path = $(odoo_addons_path "$python" "$repo")
db_name = $database
http_interface = 127.0.0.1
http_port = $port
list_db = False
CONF
}

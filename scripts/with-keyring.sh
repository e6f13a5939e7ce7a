#!/bin/sh
# Runs a command inside a D-Bus session with an unlocked gnome-keyring, so keytar talks to a real Secret Service.
# Usage: dbus-run-session -- sh scripts/with-keyring.sh npm test
set -e
echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"

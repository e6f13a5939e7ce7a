#!/bin/sh
# Runs a command with a gnome-keyring of its own, unlocked, so keytar talks to a real Secret Service.
# Usage: sh scripts/with-keyring.sh npm test    (README's `dbus-run-session -- sh scripts/with-keyring.sh …` works too)
#
# Everything the keyring touches is throw-away: a HOME, XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME made
# with mktemp and removed when the command ends, and a D-Bus session of its own. The user's keyrings
# (~/.local/share/keyrings, which on a desktop hold real secrets under a password we do not know) and their
# running keyring daemon (found through XDG_RUNTIME_DIR) are never read, unlocked or written.
set -e
# The second stage runs inside the private session; an argument (not an inherited variable) says so.
if [ "${1:-}" != --inside-private-session ]; then
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/ascent-keyring-XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -m 700 "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache"
  # Without XDG_RUNTIME_DIR gnome-keyring keeps its control socket under XDG_CACHE_HOME, i.e. in the scratch folder.
  unset XDG_RUNTIME_DIR GNOME_KEYRING_CONTROL
  status=0
  HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" \
    XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" \
    dbus-run-session -- sh "$0" --inside-private-session "$@" || status=$?
  exit "$status"
fi
shift
# Inside the private session: --unlock creates the scratch login keyring with this password and unlocks it.
echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# The daemon claims the Secret Service's bus name a moment after --unlock returns: wait for it (at most 5 s),
# so the command never races the daemon's start.
bus() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "$@" 2>/dev/null
}
tries=0
until bus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'; do
  [ "$tries" -lt 100 ] || break
  sleep 0.05
  tries=$((tries + 1))
done
# The daemon outlives the session bus (it does not notice the bus is gone) and would keep writing into the
# scratch folder while it is removed: ask the bus which process owns the Secret Service, and stop it when the
# command ends, however it ends.
daemon=$(bus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ { print $2 }')
stop_daemon() {
  [ -n "$daemon" ] || return 0
  kill "$daemon" 2>/dev/null || return 0
  # Not our child, so no `wait`: look until it is gone (at most 5 s).
  tries=0
  while kill -0 "$daemon" 2>/dev/null && [ "$tries" -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
}
trap stop_daemon EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
status=0
"$@" || status=$?
exit "$status"

# shellcheck shell=bash
# server_policy NAME TIERS_JSON: a policy (as -e JSON) of server tiers, each daily with 3 backups kept
server_policy() {
  echo "{\"dr_policy\": {\"name\": \"$1\", \"tiers\": $2}}"
}
# server_tier NAME SELECTOR_JSON [EXTRA_JSON]: one tier that selects servers
server_tier() {
  echo "{\"name\": \"$1\", \"failure\": \"az\", \"rpo\": \"1d\", \"retention\": {\"last\": 3}, \"servers\": $2${3:+, $3}}"
}

# Shared by the scripts that restore freshly packed Ncco packages as a user would (scripts/pack-smoke.sh,
# bench/first-scenario/run.sh). Source it, then:
#   local_feed_config FEED FILE   writes a nuget.config to FILE that takes every Ncco.* package from the local folder
#                                 FEED only (so a stale Ncco.* from the machine's cache or nuget.org can never stand in
#                                 for the one just packed) and everything else from the machine's package cache, then
#                                 nuget.org
local_feed_config() {
  cat >"$2" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="ncco-local" value="$1" />
    <add key="machine-cache" value="$HOME/.nuget/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="ncco-local"><package pattern="Ncco.*" /></packageSource>
    <packageSource key="machine-cache"><package pattern="*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
}

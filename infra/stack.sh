#!/usr/bin/env bash
# Provision and run, on loopback, the real servers of the c18n streaming stack:
# Kafka (KRaft), Elasticsearch 8, FerretDB (MongoDB wire protocol), Redis, an S3 server (versitygw) and a
# Spark standalone cluster (one master, one worker) for the analytics batch layer.
# Everything comes from the package registries this machine reaches (Maven Central, the Go module proxy, apt, PyPI).
#
#   infra/stack.sh provision   fetch/build into the cache once (idempotent)
#   infra/stack.sh up          provision if needed, start what is not running, wait until healthy, write the env file
#   infra/stack.sh status      one line per service: name, address, up/down
#   infra/stack.sh down        stop everything this script started (TERM, then KILL after a grace period)
#   infra/stack.sh env         print the connection variables
#
# See infra/README.md for versions, ports and the environment variables that tune this script.
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$INFRA_DIR/.." && pwd)"
CACHE="${C18N_STACK_CACHE:-$REPO_DIR/.cache/stack}"
STATE="${C18N_STACK_DIR:-$REPO_DIR/.data/stack}"
LOGS="$STATE/logs"
RUN="$STATE/run"

HOST=127.0.0.1
KAFKA_PORT="${C18N_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${C18N_KAFKA_CONTROLLER_PORT:-9093}"
ES_BASE_PORT="${C18N_ES_BASE_PORT:-9200}"
ES_PORT=$((ES_BASE_PORT + 1)) # the launcher serves node 1 on base+1
MONGO_PORT="${C18N_MONGO_PORT:-27017}"
PG_PORT="${C18N_PG_PORT:-5433}"
REDIS_PORT="${C18N_REDIS_PORT:-6379}"
S3_PORT="${C18N_S3_PORT:-7070}"
S3_ACCESS_KEY="${C18N_S3_ACCESS_KEY:-c18n-access}"
S3_SECRET_KEY="${C18N_S3_SECRET_KEY:-c18n-secret-key}"
S3_BUCKET="${C18N_S3_BUCKET:-c18n}"
MONGO_DB="${C18N_MONGO_DB:-c18n}"
SPARK_MASTER_PORT="${C18N_SPARK_MASTER_PORT:-7077}"
SPARK_MASTER_UI_PORT="${C18N_SPARK_MASTER_UI_PORT:-8090}"
SPARK_WORKER_PORT="${C18N_SPARK_WORKER_PORT:-7078}"
SPARK_WORKER_UI_PORT="${C18N_SPARK_WORKER_UI_PORT:-8091}"
SPARK_WORKER_CORES="${C18N_SPARK_WORKER_CORES:-2}"
SPARK_WORKER_MEMORY="${C18N_SPARK_WORKER_MEMORY:-2g}"
SPARK_DAEMON_HEAP="${C18N_SPARK_DAEMON_HEAP:-256m}"

KAFKA_VERSION="${C18N_KAFKA_VERSION:-4.1.1}"
ES_VERSION=8.14.1
FERRETDB_VERSION="${C18N_FERRETDB_VERSION:-v1.24.2}"
VERSITYGW_VERSION="${C18N_VERSITYGW_VERSION:-v1.8.0}"
SPARK_VERSION="${C18N_SPARK_VERSION:-4.3.0}"
# The pyspark sdist may already be on disk (it is 455 MB); otherwise pip fetches it from PyPI (or its own cache).
PYSPARK_SDIST="${C18N_PYSPARK_SDIST:-/work/pipcache/pyspark-$SPARK_VERSION.tar.gz}"

KAFKA_HEAP="${C18N_KAFKA_HEAP:-512m}"
ES_HEAP="${C18N_ES_HEAP:-1g}"
KAFKA_AUTO_CREATE_TOPICS="${C18N_KAFKA_AUTO_CREATE_TOPICS:-false}"
START_TIMEOUT="${C18N_STACK_TIMEOUT:-120}"
STOP_GRACE="${C18N_STACK_GRACE:-20}"

KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
FERRETDB_HOME="$CACHE/ferretdb-$FERRETDB_VERSION"
VERSITYGW_HOME="$CACHE/versitygw-$VERSITYGW_VERSION"
SPARK_DIST="$CACHE/spark-$SPARK_VERSION"
SPARK_VENV="$SPARK_DIST/venv"

SERVICES=(kafka elasticsearch postgres ferretdb redis s3 spark-master spark-worker)

say() { printf 'infra: %s\n' "$*"; }
die() {
  printf 'infra: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- tools

need_java() {
  command -v java >/dev/null 2>&1 ||
    die "Java 17+ is required for Kafka and Elasticsearch: apt-get install -y openjdk-17-jre-headless"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  [[ "${major%%.*}" =~ ^[0-9]+$ && "${major%%.*}" -ge 17 ]] ||
    die "Java 17+ is required for Kafka and Elasticsearch (found ${major:-none}): apt-get install -y openjdk-17-jre-headless"
}

need_jdk_build() {
  need_java
  command -v javac >/dev/null 2>&1 ||
    die "a JDK (javac) is required to build the Elasticsearch launcher: apt-get install -y openjdk-17-jdk-headless"
  command -v mvn >/dev/null 2>&1 ||
    die "Maven is required to fetch the Kafka and Elasticsearch jars from Maven Central: apt-get install -y maven"
}

need_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is required to build FerretDB and versitygw from the Go module proxy: apt-get install -y golang-go (versitygw $VERSITYGW_VERSION needs Go 1.25+; older Go fetches that toolchain from the module proxy)"
}

need_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian's redis-server"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null ||
        { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null; } ||
        die "could not install redis-server with apt-get"
    else
      die "Redis is required: apt-get install -y redis-server (as root)"
    fi
  fi
}

# FerretDB keeps its data in PostgreSQL: real indexes and query pushdown, where its SQLite backend
# scans every document of a collection for any query not on _id.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

need_postgres() {
  if [[ -z "$(pg_bin)" ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian's postgresql (FerretDB's storage)"
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; } ||
        die "could not install postgresql with apt-get"
    else
      die "PostgreSQL is required as FerretDB's storage: apt-get install -y postgresql (as root)"
    fi
  fi
}

# PostgreSQL refuses to run as root: as root, run it as the postgres user.
pg_user_prefix() {
  if [[ "$(id -u)" == 0 ]]; then echo setpriv --reuid=postgres --regid=postgres --init-groups; fi
}

node_bin() {
  if [[ -x "$REPO_DIR/node_modules/.bin/node" ]]; then
    echo "$REPO_DIR/node_modules/.bin/node"
  elif command -v node >/dev/null 2>&1; then
    command -v node
  else
    echo ""
  fi
}

# Maven 3.8 prints colour resets even in batch mode; strip them (pipefail keeps its exit status)
mvn_q() { mvn -q -B "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }

# ---------------------------------------------------------------- provision

# refuse_if_running SERVICE DIR: a rebuild must not pull the jars from under a server started from DIR
refuse_if_running() {
  local pid
  if pid="$(running_pid "$1")" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"; then
    die "$1 must be rebuilt but is running from $2: run infra/stack.sh down first"
  fi
}

provision_kafka() {
  [[ -f "$KAFKA_HOME/.provisioned" ]] && return 0
  refuse_if_running kafka "$KAFKA_HOME"
  need_jdk_build
  say "provisioning Apache Kafka $KAFKA_VERSION (Maven Central)"
  rm -rf "$KAFKA_HOME"
  mkdir -p "$KAFKA_HOME"
  mvn_q -f "$INFRA_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" -Dc18n.buildDir="$KAFKA_HOME/build" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/lib" ||
    die "Maven could not fetch Kafka $KAFKA_VERSION"
  rm -rf "$KAFKA_HOME/build"
  echo "$KAFKA_VERSION" >"$KAFKA_HOME/.provisioned"
}

es_sources_digest() {
  (cd "$INFRA_DIR/es-runner" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

provision_elasticsearch() {
  local digest
  digest="$(es_sources_digest)"
  [[ -f "$ES_HOME/.provisioned" && "$(cat "$ES_HOME/.provisioned")" == "$digest" ]] && return 0
  refuse_if_running elasticsearch "$ES_HOME"
  need_jdk_build
  say "provisioning Elasticsearch $ES_VERSION (server jars from Maven Central + infra/es-runner launcher)"
  rm -rf "$ES_HOME"
  mkdir -p "$ES_HOME"
  mvn_q -f "$INFRA_DIR/es-runner/pom.xml" -Dc18n.buildDir="$ES_HOME/build" \
    package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ES_HOME/lib" ||
    die "Maven could not build the Elasticsearch launcher (infra/es-runner)"
  cp "$ES_HOME/build/c18n-es-runner-1.jar" "$ES_HOME/lib/"
  rm -rf "$ES_HOME/build"
  echo "$digest" >"$ES_HOME/.provisioned"
}

provision_ferretdb() {
  [[ -x "$FERRETDB_HOME/bin/ferretdb" ]] && return 0
  need_go
  say "provisioning FerretDB $FERRETDB_VERSION (Go module proxy; the first build takes a few minutes)"
  local src="$FERRETDB_HOME/src"
  rm -rf "$FERRETDB_HOME"
  mkdir -p "$src" "$FERRETDB_HOME/bin"
  # A plain `go install .../cmd/ferretdb@version` panics at start: the module zip lacks build/version/version.txt,
  # which FerretDB's own build generates. Vendor the module, add that file, and build the stock command from it.
  cat >"$src/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
GO
  local log="$CACHE/ferretdb-build.log"
  (
    cd "$src"
    export GOFLAGS="-mod=mod -buildvcs=false"
    go mod init c18n.local/stack-ferretdb
    go get "github.com/FerretDB/FerretDB@$FERRETDB_VERSION"
    go get "github.com/FerretDB/FerretDB/cmd/ferretdb@$FERRETDB_VERSION"
    go mod tidy
    go mod vendor
    chmod -R u+w vendor/github.com/FerretDB/FerretDB/build/version
    echo "$FERRETDB_VERSION" >vendor/github.com/FerretDB/FerretDB/build/version/version.txt
    GOFLAGS="-mod=vendor -buildvcs=false" go build -trimpath -o "$FERRETDB_HOME/bin/ferretdb.tmp" github.com/FerretDB/FerretDB/cmd/ferretdb
  ) >"$log" 2>&1 || {
    tail -n 20 "$log" >&2
    die "could not build FerretDB $FERRETDB_VERSION from the Go module proxy (log: $log)"
  }
  mv "$FERRETDB_HOME/bin/ferretdb.tmp" "$FERRETDB_HOME/bin/ferretdb"
  rm -rf "$src/vendor"
}

provision_versitygw() {
  [[ -x "$VERSITYGW_HOME/bin/versitygw" ]] && return 0
  need_go
  say "provisioning versitygw $VERSITYGW_VERSION (Go module proxy; the first build takes a few minutes)"
  mkdir -p "$VERSITYGW_HOME/bin"
  local log="$CACHE/versitygw-build.log"
  GOBIN="$VERSITYGW_HOME/bin" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >"$log" 2>&1 || {
    tail -n 20 "$log" >&2
    die "could not build versitygw $VERSITYGW_VERSION from the Go module proxy (log: $log)"
  }
}

spark_connectors_digest() { sha256sum "$INFRA_DIR/spark/pom.xml" | cut -c1-16; }

need_python_venv() {
  command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' 2>/dev/null ||
    die "Python 3 with venv is required for Spark (the pyspark package): apt-get install -y python3-venv"
}

# Spark itself: the pyspark package carries the whole distribution (jars, spark-class, spark-submit),
# installed into a virtual environment of its own. Its connectors (MongoDB, Kafka) come from Maven Central.
provision_spark() {
  if [[ ! -f "$SPARK_VENV/.provisioned" ]]; then
    refuse_if_running spark-master "$SPARK_VENV"
    need_python_venv
    say "provisioning Apache Spark $SPARK_VERSION (pyspark from PyPI, into a virtual environment)"
    rm -rf "$SPARK_VENV"
    mkdir -p "$SPARK_DIST"
    local source="pyspark==$SPARK_VERSION" log="$SPARK_DIST/pip.log"
    [[ -f "$PYSPARK_SDIST" ]] && source="$PYSPARK_SDIST"
    { python3 -m venv "$SPARK_VENV" && "$SPARK_VENV/bin/pip" install -q --disable-pip-version-check "$source"; } >"$log" 2>&1 || {
      tail -n 20 "$log" >&2
      die "could not install pyspark $SPARK_VERSION (log: $log)"
    }
    echo "$SPARK_VERSION" >"$SPARK_VENV/.provisioned"
  fi
  local digest
  digest="$(spark_connectors_digest)"
  [[ -f "$SPARK_DIST/connectors/.provisioned" && "$(cat "$SPARK_DIST/connectors/.provisioned")" == "$digest" ]] && return 0
  need_jdk_build
  say "provisioning the Spark connectors (Maven Central: infra/spark/pom.xml)"
  rm -rf "$SPARK_DIST/connectors"
  # Only the connectors and their own clients: Spark, Scala, Hadoop and the logging jars are the distribution's.
  mvn_q -f "$INFRA_DIR/spark/pom.xml" -Dc18n.buildDir="$SPARK_DIST/build" dependency:copy-dependencies -DincludeScope=runtime \
    -DincludeArtifactIds=mongo-spark-connector_2.13,mongodb-driver-sync,mongodb-driver-core,bson,bson-record-codec,spark-sql-kafka-0-10_2.13,spark-token-provider-kafka-0-10_2.13,kafka-clients,commons-pool2 \
    -DoutputDirectory="$SPARK_DIST/connectors" || die "Maven could not fetch the Spark connectors"
  rm -rf "$SPARK_DIST/build"
  echo "$digest" >"$SPARK_DIST/connectors/.provisioned"
}

spark_jars() { ls "$SPARK_DIST"/connectors/*.jar | paste -sd, -; }

provisioned() {
  [[ -f "$SPARK_VENV/.provisioned" && -f "$SPARK_DIST/connectors/.provisioned" && "$(cat "$SPARK_DIST/connectors/.provisioned")" == "$(spark_connectors_digest)" ]] &&
    [[ -f "$KAFKA_HOME/.provisioned" && -x "$FERRETDB_HOME/bin/ferretdb" && -x "$VERSITYGW_HOME/bin/versitygw" ]] &&
    [[ -f "$ES_HOME/.provisioned" && "$(cat "$ES_HOME/.provisioned")" == "$(es_sources_digest)" ]] &&
    command -v redis-server >/dev/null 2>&1
}

cmd_provision() {
  local started_at=$SECONDS failed=0 job jobs=()
  mkdir -p "$CACHE"
  need_redis
  # The Go builds are CPU-bound and the Maven fetches mostly wait on the network: run them side by side.
  # Each runs in a subshell, so a failure (die) ends only its own step; all are awaited before reporting.
  (
    provision_kafka
    provision_elasticsearch
  ) &
  jobs+=($!)
  provision_ferretdb &
  jobs+=($!)
  provision_versitygw &
  jobs+=($!)
  provision_spark &
  jobs+=($!)
  for job in "${jobs[@]}"; do
    wait "$job" || failed=1
  done
  ((failed == 0)) || die "provisioning failed (see the messages above)"
  say "provisioned in $CACHE ($((SECONDS - started_at))s)"
}

# ---------------------------------------------------------------- processes

pid_file() { echo "$RUN/$1.pid"; }
log_file() { echo "$LOGS/$1.log"; }

address_of() {
  case "$1" in
    postgres) echo "$HOST:$PG_PORT" ;;
    kafka) echo "$HOST:$KAFKA_PORT" ;;
    elasticsearch) echo "http://$HOST:$ES_PORT" ;;
    ferretdb) echo "$HOST:$MONGO_PORT" ;;
    redis) echo "$HOST:$REDIS_PORT" ;;
    s3) echo "http://$HOST:$S3_PORT" ;;
    spark-master) echo "spark://$HOST:$SPARK_MASTER_PORT" ;;
    spark-worker) echo "$HOST:$SPARK_WORKER_PORT" ;;
  esac
}

port_of() {
  case "$1" in
    postgres) echo "$PG_PORT" ;;
    kafka) echo "$KAFKA_PORT" ;;
    elasticsearch) echo "$ES_PORT" ;;
    ferretdb) echo "$MONGO_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    s3) echo "$S3_PORT" ;;
    spark-master) echo "$SPARK_MASTER_PORT" ;;
    spark-worker) echo "$SPARK_WORKER_PORT" ;;
  esac
}

# The web UI port each Spark daemon binds as well, and its variable (checked before start like the main ports).
ui_port_of() {
  case "$1" in
    spark-master) echo "$SPARK_MASTER_UI_PORT C18N_SPARK_MASTER_UI_PORT" ;;
    spark-worker) echo "$SPARK_WORKER_UI_PORT C18N_SPARK_WORKER_UI_PORT" ;;
  esac
}

port_var_of() {
  case "$1" in
    postgres) echo "C18N_PG_PORT" ;;
    kafka) echo "C18N_KAFKA_PORT" ;;
    elasticsearch) echo "C18N_ES_BASE_PORT (HTTP is base+1)" ;;
    ferretdb) echo "C18N_MONGO_PORT" ;;
    redis) echo "C18N_REDIS_PORT" ;;
    s3) echo "C18N_S3_PORT" ;;
    spark-master) echo "C18N_SPARK_MASTER_PORT" ;;
    spark-worker) echo "C18N_SPARK_WORKER_PORT" ;;
  esac
}

# A word that the service's command line contains, so a recycled pid is not mistaken for ours.
marker_of() {
  case "$1" in
    postgres) echo "postgres" ;;
    kafka) echo "kafka.Kafka" ;;
    elasticsearch) echo "c18n.es.EsRunner" ;;
    ferretdb) echo "ferretdb" ;;
    redis) echo "redis-server" ;;
    s3) echo "versitygw" ;;
    spark-master) echo "deploy.master.Master" ;;
    spark-worker) echo "deploy.worker.Worker" ;;
  esac
}

running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$(marker_of "$1")" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

healthy() {
  local node
  case "$1" in
    kafka)
      port_open "$KAFKA_PORT" || return 1
      node="$(node_bin)"
      if [[ -n "$node" ]]; then
        "$node" "$INFRA_DIR/lib/probe.mjs" kafka "$HOST:$KAFKA_PORT"
      else
        grep -q 'Kafka Server started' "$(log_file kafka)" 2>/dev/null
      fi
      ;;
    elasticsearch)
      curl -fsS -m 5 "http://$HOST:$ES_PORT/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
      ;;
    postgres)
      "$(pg_bin)/pg_isready" -q -h "$HOST" -p "$PG_PORT"
      ;;
    ferretdb)
      port_open "$MONGO_PORT" || return 1
      node="$(node_bin)"
      if [[ -n "$node" ]]; then "$node" "$INFRA_DIR/lib/probe.mjs" mongo "$HOST:$MONGO_PORT"; fi
      ;;
    redis)
      [[ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
      ;;
    s3)
      local code
      code="$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$HOST:$S3_PORT/" 2>/dev/null || true)"
      [[ "$code" =~ ^[1-5][0-9][0-9]$ ]]
      ;;
    spark-master)
      curl -fsS -m 5 "http://$HOST:$SPARK_MASTER_UI_PORT/json/" 2>/dev/null | grep -Eq '"status" *: *"ALIVE"'
      ;;
    spark-worker)
      # Healthy once the master counts it: jobs run on it from then on.
      curl -fsS -m 5 "http://$HOST:$SPARK_MASTER_UI_PORT/json/" 2>/dev/null | grep -Eq '"aliveworkers" *: *[1-9]'
      ;;
  esac
}

# spawn NAME CMD... : start detached in its own session, stdout+stderr to the service log, remember the pid
spawn() {
  local name="$1"
  shift
  local log
  log="$(log_file "$name")"
  printf '\n==== %s starting %s\n' "$(date -Is)" "$name" >>"$log"
  nohup setsid "$@" </dev/null >>"$log" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

start_kafka() {
  local dir="$STATE/kafka"
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
# written by infra/stack.sh on each start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
auto.create.topics.enable=$KAFKA_AUTO_CREATE_TOPICS
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.segment.bytes=16777216
log.retention.hours=24
EOF
  cat >"$dir/log4j2.properties" <<'EOF'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
EOF
  local java_opts=(-Xms256m "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$dir/log4j2.properties" "-Djava.io.tmpdir=$dir")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$KAFKA_HOME/lib/*" "-Dlog4j2.configurationFile=$dir/log4j2.properties" -Dlog4j2.level=warn \
      kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java "${java_opts[@]}" -cp "$KAFKA_HOME/lib/*" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$dir/server.properties" >>"$(log_file kafka)" 2>&1 ||
      die "kafka: formatting $dir/data failed, see $(log_file kafka)"
  fi
  spawn kafka java "${java_opts[@]}" -cp "$KAFKA_HOME/lib/*" kafka.Kafka "$dir/server.properties"
}

start_elasticsearch() {
  local dir="$STATE/elasticsearch"
  mkdir -p "$dir/tmp"
  spawn elasticsearch java -Xms512m "-Xmx$ES_HEAP" -XX:+UseG1GC -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dlog4j2.formatMsgNoLookups=true -Des.networkaddress.cache.ttl=60 "-Djava.io.tmpdir=$dir/tmp" \
    -cp "$ES_HOME/lib/*" c18n.es.EsRunner -basePath "$dir" -numOfNode 1 -baseHttpPort "$ES_BASE_PORT" -clusterName c18n
}

# as_pg CMD...: run a command as the user PostgreSQL runs as (postgres when we are root, else ourselves)
as_pg() { $(pg_user_prefix) "$@"; }

# The postgres user must be able to enter every folder above its data. Below a folder only its owner
# may enter (root's home, a mktemp -d folder, a private home) it cannot, so its data then lives in a
# folder of its own under the postgres user's home, one per checkout, created with that user as owner.
# Nothing of the person's own folders is opened up.
pg_home_dir() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "$STATE/postgres"
    return
  fi
  local probe="$STATE/postgres"
  mkdir -p "$probe"
  chown postgres:postgres "$probe"
  if as_pg test -x "$probe" -a -w "$probe" 2>/dev/null; then
    echo "$probe"
    return
  fi
  rmdir "$probe" 2>/dev/null || true
  local home
  home="$(getent passwd postgres | cut -d: -f6)"
  [[ -n "$home" && -d "$home" ]] || die "postgres: the postgres user cannot enter $probe (a folder above it is closed to other users) and has no home folder to keep its data in instead; move the checkout to a folder others may enter, or set C18N_STACK_DIR to one"
  echo "$home/c18n-stack/$(printf '%s' "$STATE" | sha256sum | cut -c1-16)"
}

# explain_pg_failure DIR: the cause of a failed initdb or start, in plain words, before the log's path
explain_pg_failure() {
  local dir="$1" up="$1"
  while [[ "$up" != / ]]; do
    if ! as_pg test -x "$up" 2>/dev/null; then
      echo "the postgres user cannot enter $up, which holds its data folder $dir; move the checkout below a folder others may enter, or set C18N_STACK_DIR to such a folder"
      return
    fi
    up="$(dirname "$up")"
  done
  if ! as_pg test -w "$dir" 2>/dev/null; then
    echo "the postgres user cannot write $dir; remove it (infra/stack.sh down first) and run up again"
    return
  fi
  echo "PostgreSQL refused to start"
}

start_postgres() {
  need_postgres
  local dir bin
  dir="$(pg_home_dir)"
  bin="$(pg_bin)"
  mkdir -p "$dir"
  [[ "$(id -u)" == 0 ]] && chown -R postgres:postgres "$dir" && chmod 700 "$dir"
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    as_pg "$bin/initdb" -D "$dir/data" --auth=trust --username=postgres -E UTF8 >>"$(log_file postgres)" 2>&1 ||
      die "postgres: initdb in $dir/data failed: $(explain_pg_failure "$dir"). Log: $(log_file postgres)"
  fi
  echo "$dir" >"$STATE/postgres.dir"
  # Durability settings of a test server: the data folder is disposable, speed matters. TCP only (-k ''):
  # a Unix socket path below a deep checkout would pass the kernel's 107-byte limit.
  # shellcheck disable=SC2046 # the prefix is a few plain words
  spawn postgres $(pg_user_prefix) "$bin/postgres" -D "$dir/data" -p "$PG_PORT" -k '' -c listen_addresses="$HOST" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_connections=200
}

start_ferretdb() {
  local dir="$STATE/ferretdb" bin deadline=$((SECONDS + 60))
  bin="$(pg_bin)"
  mkdir -p "$dir/state"
  until "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT"; do
    ((SECONDS < deadline)) || die "ferretdb: PostgreSQL did not answer at $HOST:$PG_PORT; log: $(log_file postgres)"
    sleep 0.3
  done
  "$bin/psql" -q -h "$HOST" -p "$PG_PORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1 ||
    "$bin/createdb" -h "$HOST" -p "$PG_PORT" -U postgres ferretdb
  # FerretDB holds a PostgreSQL connection while it waits for another (its metadata): once every pooled
  # connection is held that way it waits for ever. A pool far above what the clients send at once (they
  # cap their own pools, C18N_MONGO_POOL) keeps it out of that corner.
  spawn ferretdb "$FERRETDB_HOME/bin/ferretdb" --handler=pg "--postgresql-url=postgres://postgres@$HOST:$PG_PORT/ferretdb?pool_max_conns=150" \
    "--listen-addr=$HOST:$MONGO_PORT" --telemetry=disable --debug-addr=- "--state-dir=$dir/state" \
    "--log-level=${C18N_FERRETDB_LOG_LEVEL:-warn}"
}

start_redis() {
  local dir="$STATE/redis"
  mkdir -p "$dir"
  spawn redis redis-server --bind "$HOST" --port "$REDIS_PORT" --save '' --appendonly no --daemonize no \
    --dir "$dir" --protected-mode yes --loglevel notice
}

start_s3() {
  local dir="$STATE/s3"
  mkdir -p "$dir/data"
  # Browsers PUT uploads straight to the store with presigned URLs (the signature is the
  # permission), so the store answers CORS for the app's pages; C18N_S3_CORS_ORIGIN narrows it.
  ROOT_ACCESS_KEY="$S3_ACCESS_KEY" ROOT_SECRET_KEY="$S3_SECRET_KEY" \
    spawn s3 "$VERSITYGW_HOME/bin/versitygw" --port "$HOST:$S3_PORT" --cors-allow-origin "${C18N_S3_CORS_ORIGIN:-*}" posix "$dir/data"
}

# Spark daemons: spark-class execs the JVM, so the pid file names the daemon itself. SPARK_LOCAL_IP keeps
# every listener (RPC, block manager, UI) on loopback; executors run the venv's Python.
spark_env() {
  local dir="$STATE/spark"
  mkdir -p "$dir/conf" "$dir/work" "$dir/tmp"
  printf '%s\n' 'rootLogger.level = warn' 'rootLogger.appenderRef.stdout.ref = console' \
    'appender.console.type = Console' 'appender.console.name = console' 'appender.console.layout.type = PatternLayout' \
    'appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n' \
    'logger.deploy.name = org.apache.spark.deploy' 'logger.deploy.level = info' >"$dir/conf/log4j2.properties"
  printf '%s\n' "SPARK_CONF_DIR=$dir/conf" "SPARK_LOCAL_IP=$HOST" "SPARK_LOCAL_DIRS=$dir/tmp" \
    "SPARK_DAEMON_MEMORY=$SPARK_DAEMON_HEAP" "PYSPARK_PYTHON=$SPARK_VENV/bin/python" "SPARK_LOG_DIR=$LOGS"
}

start_spark-master() {
  local vars
  mapfile -t vars < <(spark_env)
  spawn spark-master env "${vars[@]}" "$SPARK_VENV/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host "$HOST" --port "$SPARK_MASTER_PORT" --webui-port "$SPARK_MASTER_UI_PORT"
}

start_spark-worker() {
  local vars
  mapfile -t vars < <(spark_env)
  spawn spark-worker env "${vars[@]}" "$SPARK_VENV/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host "$HOST" --port "$SPARK_WORKER_PORT" --webui-port "$SPARK_WORKER_UI_PORT" \
    --cores "$SPARK_WORKER_CORES" --memory "$SPARK_WORKER_MEMORY" --work-dir "$STATE/spark/work" "spark://$HOST:$SPARK_MASTER_PORT"
}

ensure_bucket() {
  local code
  code="$(curl -s -m 10 -o /dev/null -w '%{http_code}' --aws-sigv4 'aws:amz:us-east-1:s3' \
    --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" -X PUT \
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' "http://$HOST:$S3_PORT/$S3_BUCKET" || true)"
  case "$code" in
    200 | 409) ;; # created, or already ours
    *) die "s3: could not create bucket $S3_BUCKET at http://$HOST:$S3_PORT (HTTP $code), see $(log_file s3)" ;;
  esac
}

write_env() {
  mkdir -p "$STATE"
  cat >"$STATE/env" <<EOF
# written by infra/stack.sh up: source this file to reach the local stack
export KAFKA_BROKERS=$HOST:$KAFKA_PORT
export MONGODB_URI=mongodb://$HOST:$MONGO_PORT/$MONGO_DB
export REDIS_URL=redis://$HOST:$REDIS_PORT
export ELASTICSEARCH_URL=http://$HOST:$ES_PORT
export S3_ENDPOINT=http://$HOST:$S3_PORT
export S3_ACCESS_KEY=$S3_ACCESS_KEY
export S3_SECRET_KEY=$S3_SECRET_KEY
export S3_BUCKET=$S3_BUCKET
export S3_REGION=us-east-1
export SPARK_MASTER=spark://$HOST:$SPARK_MASTER_PORT
export SPARK_SUBMIT=$SPARK_VENV/bin/spark-submit
export SPARK_CONNECTOR_JARS=$(spark_jars)
export PYSPARK_PYTHON=$SPARK_VENV/bin/python
export SPARK_LOCAL_IP=$HOST
EOF
}

cmd_env() {
  write_env
  sed -n 's/^export //p' "$STATE/env"
}

cmd_up() {
  local started_at=$SECONDS
  provisioned || cmd_provision
  need_java
  mkdir -p "$LOGS" "$RUN"

  local svc to_start=() to_wait=()
  # check every port before starting anything, so a conflict leaves nothing half started
  for svc in "${SERVICES[@]}"; do
    if running_pid "$svc" >/dev/null; then
      to_wait+=("$svc")
      continue
    fi
    rm -f "$(pid_file "$svc")"
    if port_open "$(port_of "$svc")"; then
      die "$svc: port $(port_of "$svc") is taken by a process this script did not start (stop it, or set $(port_var_of "$svc"))"
    fi
    if [[ "$svc" == kafka ]] && port_open "$KAFKA_CONTROLLER_PORT"; then
      die "kafka: controller port $KAFKA_CONTROLLER_PORT is taken by another process (stop it, or set C18N_KAFKA_CONTROLLER_PORT)"
    fi
    local ui
    ui="$(ui_port_of "$svc")"
    if [[ -n "$ui" ]] && port_open "${ui%% *}"; then
      die "$svc: web UI port ${ui%% *} is taken by another process (stop it, or set ${ui#* })"
    fi
    to_start+=("$svc")
  done
  for svc in ${to_start[@]+"${to_start[@]}"}; do
    say "starting $svc on $(address_of "$svc") (log: $(log_file "$svc"))"
    "start_$svc"
    to_wait+=("$svc")
  done

  local deadline=$((SECONDS + START_TIMEOUT))
  for svc in ${to_wait[@]+"${to_wait[@]}"}; do
    until healthy "$svc"; do
      if ! running_pid "$svc" >/dev/null; then
        tail -n 20 "$(log_file "$svc")" >&2 || true
        [[ "$svc" == postgres && -f "$STATE/postgres.dir" ]] &&
          die "postgres exited before answering at $(address_of postgres): $(explain_pg_failure "$(cat "$STATE/postgres.dir")"). Log: $(log_file postgres)"
        die "$svc exited before answering at $(address_of "$svc"); log: $(log_file "$svc")"
      fi
      if ((SECONDS >= deadline)); then
        tail -n 20 "$(log_file "$svc")" >&2 || true
        die "$svc did not answer at $(address_of "$svc") within ${START_TIMEOUT}s; log: $(log_file "$svc") (infra/stack.sh down stops the rest)"
      fi
      sleep 0.5
    done
  done
  ensure_bucket
  write_env
  say "stack up in $((SECONDS - started_at))s; state in $STATE"
  sed -n 's/^export //p' "$STATE/env"
}

stop_service() {
  local svc="$1" pid
  pid="$(running_pid "$svc")" || {
    rm -f "$(pid_file "$svc")"
    return 0
  }
  # each service leads its own session (setsid), so signal the whole group
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < STOP_GRACE * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$svc did not stop within ${STOP_GRACE}s, killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$svc")"
  say "stopped $svc"
}

cmd_down() {
  local svc pids=()
  # stop in parallel: the JVMs take a few seconds each to shut down cleanly
  for svc in "${SERVICES[@]}"; do
    stop_service "$svc" &
    pids+=($!)
  done
  local p
  for p in "${pids[@]}"; do wait "$p" || true; done
}

cmd_status() {
  local svc pid state rc=0
  for svc in "${SERVICES[@]}"; do
    if pid="$(running_pid "$svc")"; then
      if healthy "$svc"; then state="up"; else state="starting (pid $pid, not answering yet)"; rc=1; fi
      [[ "$state" == up ]] && state="up (pid $pid)"
    else
      state="down"
      rc=1
    fi
    printf '%-14s %-24s %s\n' "$svc" "$(address_of "$svc")" "$state"
  done
  return "$rc"
}

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  provision) cmd_provision ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac

"""The analytics batch layer on Apache Spark.

Reads the immutable event log (MongoDB's `events` collection, FerretDB here) up to a cut-off, computes
every batch view the analytics page shows, and writes them to one fresh Elasticsearch index with the
bulk API. The Node side (core/analytics/spark-engine.ts) creates that index, submits this job, and
switches the serving layer to the index only when the job has succeeded.

The views and the rules for malformed events are the same as the in-process engine's
(core/analytics/embedded-engine.ts, facts.ts, engine.ts); tests/real/analytics-spark.test.ts runs
both engines over one generated log and requires identical documents.

Protocol with the caller: lines starting with `C18N_LOG ` are log lines, the last line
`C18N_RESULT {"events": N, "malformed": M}` is the outcome; any other exit is a failed run.
"""

import argparse
import json
import sys
import time
import urllib.request
from datetime import datetime, timezone

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
MONDAY_OFFSET_MS = 4 * DAY_MS  # 1970-01-01 was a Thursday
SITE = 'all'
ISO_INSTANT = r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$'
EVENT_TYPE = r'^c18n\.[a-z]+\.[a-z_]+$'
SKIP_LOG_LIMIT = 20
BULK_DOCS = 1000


STARTED = time.monotonic()


def say(line):
    """A progress line for the run's log, with the seconds since the job started."""
    print(f'C18N_LOG {line} ({time.monotonic() - STARTED:.1f} s)', flush=True)


def read_log(spark, args):
    """The log before the cut-off. FerretDB lacks `$sample` (schema inference) and `collStats` (the
    default partitioners), so the schema is given, and the log is read in one query (--partitions 1,
    the default) or paged by _id into that many partitions. `data` comes
    as the document's JSON text: every event type has other fields, and a malformed one may have none."""
    partitioner = 'PaginateIntoPartitionsPartitioner' if args.partitions > 1 else 'SinglePartitionPartitioner'
    schema = StructType([StructField(name, StringType()) for name in ('_id', 'type', 'time', 'status', 'data')])
    return (spark.read.format('mongodb').schema(schema)
            .option('connection.uri', args.mongo_uri).option('database', args.database).option('collection', 'events')
            .option('partitioner', f'com.mongodb.spark.sql.connector.read.partitioner.{partitioner}')
            .option('partitioner.options.max.number.of.partitions', str(args.partitions))
            .option('aggregation.pipeline', json.dumps([{'$match': {'time': {'$lt': args.cutoff}}}]))
            .load())


def classify(log):
    """Adds `at` (event time in ms) and `reason` (why it cannot be counted, or null)."""
    at = F.when(F.col('time').rlike(ISO_INSTANT), F.expr('unix_millis(try_cast(time AS TIMESTAMP))'))
    reason = (F.when(F.col('type').isNull() | ~F.col('type').rlike(EVENT_TYPE), F.lit('unknown type'))
              .when(at.isNull(), F.lit('no valid time'))
              .when(F.col('data').isNull() | ~F.col('data').startswith('{'), F.lit('data is not an object')))
    return log.withColumn('at', at).withColumn('reason', reason)


def field(name):
    """A text field of the event's data, null when missing or empty (facts.ts: str)."""
    return F.nullif(F.get_json_object(F.col('data'), f'$.{name}'), F.lit(''))


def facts(events):
    """What each applied event contributes (facts.ts: factOf): its community, metric keys, who acted, who joined."""
    t = F.col('type')
    room = field('roomId')
    community = (F.when(t == 'c18n.user.registered', F.lit(None).cast('string'))
                 .when(t == 'c18n.community.created', field('id'))
                 .when(t == 'c18n.message.sent', F.when(room.startswith('community:'), F.nullif(F.expr("substring(get_json_object(data, '$.roomId'), 11)"), F.lit(''))))
                 .otherwise(field('communityId')))
    metrics = (F.when(t == 'c18n.user.registered', F.array(F.lit('signups')))
               .when(t == 'c18n.community.created', F.array(F.lit('communities'), F.lit('joins')))
               .when(t == 'c18n.membership.joined', F.array(F.lit('joins')))
               .when(t == 'c18n.membership.left', F.array(F.lit('leaves')))
               .when(t == 'c18n.post.created', F.array(F.when(field('parentId').isNotNull(), F.lit('replies')).otherwise(F.lit('posts'))))
               .when(t == 'c18n.reaction.added', F.array(F.lit('reactions'), F.concat(F.lit('r:'), F.coalesce(F.get_json_object(F.col('data'), '$.kind'), F.lit('undefined')))))
               .when(t == 'c18n.share.created', F.array(F.lit('shares')))
               .when(t == 'c18n.message.sent', F.array(F.lit('messages'))))
    active = (F.when(t.isin('c18n.post.created', 'c18n.message.sent'), field('authorId'))
              .when(t.isin('c18n.reaction.added', 'c18n.share.created'), field('userId')))
    joined = (F.when(t == 'c18n.community.created', field('ownerId'))
              .when(t == 'c18n.membership.joined', field('userId'))
              .when(t == 'c18n.user.registered', F.coalesce(F.get_json_object(F.col('data'), '$.id'), F.lit('undefined'))))
    return (events.withColumn('metrics', metrics).where(F.col('metrics').isNotNull())
            .select('at', community.alias('community'), 'metrics', active.alias('active'), joined.alias('joined'))
            .withColumn('scopes', F.when(F.col('community').isNotNull(), F.array('community', F.lit(SITE))).otherwise(F.array(F.lit(SITE))))
            .withColumn('keys', F.when(F.col('active').isNotNull(), F.concat('metrics', F.array(F.concat(F.lit('u:'), 'active')))).otherwise(F.col('metrics'))))


def hour_views(fact_rows):
    """One row per scope and hour with counters, and the member count running on in hour order."""
    counts = (fact_rows.withColumn('scope', F.explode('scopes')).withColumn('key', F.explode('keys'))
              .withColumn('hour', F.floor(F.col('at') / HOUR_MS) * HOUR_MS)
              .groupBy('scope', 'hour', 'key').count())
    delta = (F.when(F.col('scope') == SITE, F.when(F.col('key') == 'signups', F.col('count')).otherwise(0))
             .otherwise(F.when(F.col('key') == 'joins', F.col('count')).when(F.col('key') == 'leaves', -F.col('count')).otherwise(0)))
    hours = counts.groupBy('scope', 'hour').agg(F.map_from_entries(F.collect_list(F.struct('key', 'count'))).alias('counters'), F.sum(delta).alias('delta'))
    running = Window.partitionBy('scope').orderBy('hour').rowsBetween(Window.unboundedPreceding, Window.currentRow)
    return hours.withColumn('members', F.sum('delta').over(running)).drop('delta')


def cohort_views(fact_rows, cutoff_ms):
    """Weekly cohorts of new members per scope, and how many were still active after 7 and 30 days."""
    joins = (fact_rows.where(F.col('joined').isNotNull())
             .groupBy(F.coalesce('community', F.lit(SITE)).alias('scope'), F.col('joined').alias('user')).agg(F.min('at').alias('joinedAt')))
    active = (fact_rows.where(F.col('active').isNotNull()).withColumn('scope', F.explode('scopes'))
              .groupBy('scope', F.col('active').alias('user')).agg(F.max('at').alias('lastActive')))
    members = joins.join(active, ['scope', 'user'], 'left').withColumn('lastActive', F.coalesce('lastActive', F.lit(-1)))
    week = F.floor((F.col('joinedAt') - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS
    aggs = [F.count(F.lit(1)).alias('size')]
    for days in (7, 30):
        due = F.col('joinedAt') + days * DAY_MS
        eligible = due <= F.lit(cutoff_ms)
        aggs.append(F.sum(F.when(eligible, 1).otherwise(0)).alias(f'eligible{days}'))
        aggs.append(F.sum(F.when(eligible & (F.col('lastActive') >= due), 1).otherwise(0)).alias(f'retained{days}'))
    return members.groupBy('scope', week.alias('week')).agg(*aggs)


def iso(ms):
    """JavaScript's toISOString for a whole-second instant."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')


def bulk_writer(es_url, index):
    """Writes a partition's view documents with Elasticsearch's _bulk API, BULK_DOCS at a time."""
    def post(lines):
        body = ('\n'.join(lines) + '\n').encode()
        request = urllib.request.Request(f'{es_url}/_bulk', data=body, method='POST', headers={'Content-Type': 'application/x-ndjson'})
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        if answer.get('errors'):
            failed = next(item for item in answer['items'] if 'error' in next(iter(item.values())))
            raise RuntimeError(f'bulk write to {index} failed: {json.dumps(failed)[:500]}')

    def write(rows):
        lines = []
        for doc_id, doc in rows:
            lines.append(json.dumps({'index': {'_index': index, '_id': doc_id}}))
            lines.append(json.dumps(doc))
            if len(lines) >= 2 * BULK_DOCS:
                post(lines)
                lines = []
        if lines:
            post(lines)
    return write


def hour_doc(row):
    start = iso(row['hour'])
    return f"h|{row['scope']}|{start}", {'kind': 'hour', 'scope': row['scope'], 'start': start, 'counters': dict(row['counters']), 'members': int(row['members'])}


def cohort_doc(row):
    start = iso(row['week'])
    doc = {'kind': 'cohort', 'scope': row['scope'], 'start': start, 'size': int(row['size'])}
    for name in ('eligible7', 'retained7', 'eligible30', 'retained30'):
        doc[name] = int(row[name])
    return f"c|{row['scope']}|{start}", doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--run-id', required=True)
    parser.add_argument('--cutoff', required=True, help='ISO instant, as the log writes times')
    parser.add_argument('--mongo-uri', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--es-url', required=True)
    parser.add_argument('--es-index', required=True, help='the run\'s fresh index, already created with its mapping')
    parser.add_argument('--partitions', type=int, default=1)
    args = parser.parse_args()
    cutoff_ms = int(datetime.strptime(args.cutoff, '%Y-%m-%dT%H:%M:%S.%f%z').timestamp() * 1000)

    spark = SparkSession.builder.appName(f'c18n-analytics-batch {args.run_id}').getOrCreate()
    spark.sparkContext.setLogLevel('WARN')
    say(f'{args.run_id}: Spark session on {spark.sparkContext.master}')
    log = classify(read_log(spark, args)).persist()
    totals = log.agg(F.count(F.lit(1)).alias('events'), F.sum(F.when(F.col('reason').isNotNull(), 1).otherwise(0)).alias('malformed')).first()
    events, malformed = int(totals['events']), int(totals['malformed'] or 0)
    say(f'{args.run_id}: read {events} events before {args.cutoff}')
    if malformed:
        for row in log.where(F.col('reason').isNotNull()).select('_id', 'reason').limit(SKIP_LOG_LIMIT).collect():
            say(f"batch {args.run_id}: skipped event {row['_id']}: {row['reason']}")
        if malformed > SKIP_LOG_LIMIT:
            say(f'batch {args.run_id}: skipped {malformed} malformed events in all')

    fact_rows = facts(log.where(F.col('reason').isNull() & (F.col('status') == 'applied'))).persist()
    write = bulk_writer(args.es_url.rstrip('/'), args.es_index)
    hour_views(fact_rows).rdd.map(hour_doc).foreachPartition(write)
    say(f'{args.run_id}: hour views written')
    cohort_views(fact_rows, cutoff_ms).rdd.map(cohort_doc).foreachPartition(write)
    say(f'{args.run_id}: views written to {args.es_index}')
    print('C18N_RESULT ' + json.dumps({'events': events, 'malformed': malformed}), flush=True)
    spark.stop()


if __name__ == '__main__':
    try:
        main()
    except Exception as error:  # the caller shows this line on the runs page
        print(f'C18N_ERROR {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ""}', file=sys.stderr, flush=True)
        raise

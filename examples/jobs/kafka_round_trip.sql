-- A SQL job with Kafka on both ends, written with RisingWave's and Flink's option names: sink
-- `to_kafka` reads bids from a file and produces the Google ones to topic `bids`; source
-- `kafka_bids` consumes that topic (properties.bootstrap.server, properties.group.id and
-- scan.startup.mode are the RisingWave spellings of brokers, consumer_group and
-- start_from_latest), and sink `printed` prints them with the price in dollars.
--   KAFKA_BROKERS=localhost:9092 arkflow run -c examples/jobs/kafka_round_trip.sql
-- (run by tests/examples against librdkafka's mock cluster; see kafka_round_trip.run)
SET logging.level = 'warn';
SET health_check.enabled = false;

CREATE SOURCE file_bids (auction BIGINT, price BIGINT, channel VARCHAR, date_time TIMESTAMP)
WITH (connector = 'file', path = 'examples/data/bids-stream.ndjson')
FORMAT PLAIN ENCODE JSON;

CREATE SINK to_kafka AS SELECT * FROM file_bids WHERE channel = 'Google'
WITH (connector = 'kafka', topic = 'bids', properties.bootstrap.server = '${KAFKA_BROKERS}')
FORMAT PLAIN ENCODE JSON;

CREATE SOURCE kafka_bids (auction BIGINT, price BIGINT, date_time TIMESTAMP)
WITH (
  connector = 'kafka',
  topic = 'bids',
  properties.bootstrap.server = '${KAFKA_BROKERS}',
  properties.group.id = 'sql-job-example',
  scan.startup.mode = 'earliest'
) FORMAT PLAIN ENCODE JSON;

CREATE SINK printed AS
  SELECT auction, CAST(price AS DOUBLE) / 100 AS dollars, date_time FROM kafka_bids
WITH (connector = 'stdout');

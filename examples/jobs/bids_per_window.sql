-- A SQL job: sources, views and sinks declared in SQL, the way RisingWave and Flink SQL declare
-- them, run with `arkflow run -c examples/jobs/bids_per_window.sql`. It computes what
-- examples/processors/stream_sql.yaml computes in YAML: bids per channel in 10-second tumbling
-- windows of event time, each window emitted once, when the watermark passes its end.
--
-- The source's columns are the schema its JSON is decoded into (date_time, an RFC 3339 string in
-- the file, becomes a timestamp), and WATERMARK FOR makes the watermark trail the largest
-- date_time seen by 2 seconds. The bids at 10:00:08 and 10:00:05 come after the watermark has
-- passed them: they are late and go to error_output with the reason (stdout here, so they show up
-- between the windows). A view names a query; sinks read sources and views.
--
-- Output: examples/jobs/bids_per_window.expected (ctest example.jobs.bids_per_window).
SET logging.level = 'warn';
SET health_check.enabled = false;
SET error_output.type = 'stdout';

CREATE SOURCE bids (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  date_time TIMESTAMP,
  WATERMARK FOR date_time AS date_time - INTERVAL '2' SECOND
) WITH (
  connector = 'file',
  path = 'examples/data/bids-stream.ndjson',
  batch_size = 4
) FORMAT PLAIN ENCODE JSON;

CREATE VIEW priced AS SELECT channel, price, date_time FROM bids WHERE price >= 20;

CREATE SINK bids_per_window AS
  SELECT window_start, window_end, channel, count(*) AS bids, max(price) AS top
  FROM TUMBLE(priced, date_time, INTERVAL '10' SECOND)
  GROUP BY window_start, window_end, channel
WITH (connector = 'stdout');

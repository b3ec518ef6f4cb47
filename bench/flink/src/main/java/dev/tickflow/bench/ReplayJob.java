package dev.tickflow.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The windows of {@code tickflow replay} as a Flink job: JSONL ticks from a file, event time with a
 * bounded out-of-orderness of 10 s, keyed by symbol, tumbling windows of 1, 5 and 15 minutes, each an
 * incremental OHLCV aggregate, candles written as JSONL. Usage: {@code ReplayJob FILE OUT_DIR}. It prints
 * one JSON line: the job's net runtime and how many candles it wrote.
 *
 * <p>The source and the parser run as one task, so each symbol's ticks reach its windows in file order
 * (open and close break event-time ties by that order); the windows and the sink run on 2 subtasks, one
 * per core.
 */
public final class ReplayJob {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final int PARALLELISM = 2;

  private ReplayJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) throw new IllegalArgumentException("usage: ReplayJob FILE OUT_DIR");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);

    FileSource<String> source =
        FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(args[0])).build();
    DataStream<Tick> ticks =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ticks")
            .setParallelism(1)
            .map(new ParseTick())
            .setParallelism(1)
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Tick>forBoundedOutOfOrderness(BOUND)
                    .withTimestampAssigner((tick, previous) -> tick.ts))
            .setParallelism(1);
    KeyedStream<Tick, String> bySymbol = ticks.keyBy(tick -> tick.symbol);

    DataStream<String> candles = null;
    for (String interval : new String[] {"1m", "5m", "15m"}) {
      long minutes = Long.parseLong(interval.substring(0, interval.length() - 1));
      DataStream<String> these =
          bySymbol
              .window(TumblingEventTimeWindows.of(Duration.ofMinutes(minutes)))
              .aggregate(new Ohlcv(), new ToCandle(interval));
      candles = candles == null ? these : candles.union(these);
    }
    candles.addSink(new JsonlSink(args[1])).name("candles");

    long written = 0;
    JobExecutionResult result = env.execute("tickflow-replay-windows");
    for (java.nio.file.Path part : Files.newDirectoryStream(Paths.get(args[1]))) {
      try (var lines = Files.lines(part)) {
        written += lines.count();
      }
    }
    System.out.println(
        "{\"net_runtime_ms\":" + result.getNetRuntime() + ",\"candles\":" + written + "}");
  }

  /** One tick, as the job needs it. */
  public static final class Tick {
    public String symbol;
    public double price;
    public long ts;
    public double volume;

    public Tick() {}
  }

  /** A JSONL line to a tick, with Jackson (as Flink ships it). */
  public static final class ParseTick implements MapFunction<String, Tick> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Tick map(String line) throws IOException {
      JsonNode node = JSON.readTree(line);
      Tick tick = new Tick();
      tick.symbol = node.get("symbol").asText();
      tick.price = node.get("price").asDouble();
      tick.ts = node.get("ts").asLong();
      JsonNode volume = node.get("volume");
      tick.volume = volume == null ? 0 : volume.asDouble();
      return tick;
    }
  }

  /** The running OHLCV of one window. */
  public static final class Acc {
    public double open;
    public long openTs = Long.MAX_VALUE;
    public double close;
    public long closeTs = Long.MIN_VALUE;
    public double high = Double.NEGATIVE_INFINITY;
    public double low = Double.POSITIVE_INFINITY;
    public double volume;
    public double notional;
    public long trades;

    public Acc() {}
  }

  /** Open and close by event time, ties broken by arrival order, as tickflow does. */
  public static final class Ohlcv implements AggregateFunction<Tick, Acc, Acc> {
    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc add(Tick t, Acc a) {
      if (t.ts < a.openTs) {
        a.open = t.price;
        a.openTs = t.ts;
      }
      if (t.ts >= a.closeTs) {
        a.close = t.price;
        a.closeTs = t.ts;
      }
      a.high = Math.max(a.high, t.price);
      a.low = Math.min(a.low, t.price);
      if (t.volume > 0) {
        a.volume += t.volume;
        a.notional += t.price * t.volume;
      }
      a.trades++;
      return a;
    }

    @Override
    public Acc getResult(Acc a) {
      return a;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
      throw new UnsupportedOperationException("tumbling windows never merge");
    }
  }

  /** The aggregate of a window as a candle line. */
  public static final class ToCandle extends ProcessWindowFunction<Acc, String, String, TimeWindow> {
    private final String interval;

    public ToCandle(String interval) {
      this.interval = interval;
    }

    @Override
    public void process(String symbol, Context context, Iterable<Acc> results, Collector<String> out) {
      Acc a = results.iterator().next();
      String volume = a.volume > 0 ? Double.toString(a.volume) : "null";
      String vwap = a.volume > 0 ? Double.toString(a.notional / a.volume) : "null";
      out.collect(
          "{\"symbol\":\"" + symbol + "\",\"interval\":\"" + interval + "\",\"window_start\":"
              + context.window().getStart() + ",\"open\":" + a.open + ",\"high\":" + a.high
              + ",\"low\":" + a.low + ",\"close\":" + a.close + ",\"volume\":" + volume
              + ",\"trades\":" + a.trades + ",\"vwap\":" + vwap + "}");
    }
  }

  /** Writes each subtask's candles to a file of its own in the output directory. */
  public static final class JsonlSink extends RichSinkFunction<String> {
    private final String dir;
    private transient BufferedWriter writer;

    public JsonlSink(String dir) {
      this.dir = dir;
    }

    @Override
    public void open(Configuration parameters) throws IOException {
      int subtask = getRuntimeContext().getIndexOfThisSubtask();
      writer =
          Files.newBufferedWriter(
              Paths.get(dir, "part-" + subtask + ".jsonl"), StandardCharsets.UTF_8);
    }

    @Override
    public void invoke(String line, Context context) throws IOException {
      writer.write(line);
      writer.newLine();
    }

    @Override
    public void close() throws IOException {
      if (writer != null) writer.close();
    }
  }
}

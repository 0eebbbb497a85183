// Prints Kafka record batches as Kafka's Java client builds them, one per compression codec,
// for the golden fixtures of packages/events/test/codecs-java-batches.ts. Each output line is
// "<codec> <base64 of the batch>". Each batch contains RECORDS records with key "key-<i>", a
// value of VALUE_BYTES bytes and timestamp 0.
//
// Run it with Java 17+ and the jars that scripts/stack.sh fetched (the directory name depends
// on a hash of stack/pom.xml):
//   libs="$(ls -d "$HOME"/.cache/caddy-events/stack/artifacts-*/kafka-libs | head -n 1)"
//   java -cp "$libs/*" scripts/JavaRecordBatches.java
//
// The producer compresses with the same MemoryRecordsBuilder path, so the bytes match what a
// Java producer sends: snappy in snappy-java's framing, lz4 as an LZ4 frame, zstd as a
// streamed frame without its content size.

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

public class JavaRecordBatches {
    // 70 values of 1000 bytes make a 70 KB batch body: more than one 32 KiB snappy-java chunk
    // and more than one 64 KiB LZ4 block, so the multi-chunk paths are exercised.
    static final int RECORDS = 70;
    static final int VALUE_BYTES = 1000;

    public static void main(String[] args) {
        SimpleRecord[] records = new SimpleRecord[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            records[i] = new SimpleRecord(0L, ("key-" + i).getBytes(StandardCharsets.UTF_8), value(i));
        }
        for (CompressionType type : CompressionType.values()) {
            MemoryRecords batch = MemoryRecords.withRecords(Compression.of(type).build(), records);
            ByteBuffer buffer = batch.buffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            System.out.println(type.name + " " + Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** Returns VALUE_BYTES of text that starts with the record's index and compresses well. */
    static byte[] value(int index) {
        StringBuilder text = new StringBuilder("value " + index + ":");
        while (text.length() < VALUE_BYTES) text.append(" order ").append(index % 7).append(" shipped");
        return text.substring(0, VALUE_BYTES).getBytes(StandardCharsets.UTF_8);
    }
}

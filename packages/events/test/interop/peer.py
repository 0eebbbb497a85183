"""Independent Kafka client for the interop tests: confluent-kafka with its Avro serde.

Run it through scripts/python-peer.sh, which installs the pinned confluent-kafka[avro]:

  peer.py produce --brokers B --registry URL
      Reads JSON lines {"topic", "schemaFile", "keyField", "payload"} from stdin and produces
      each payload, Avro-encoded with the schema text of schemaFile and framed by the
      registry serializer. Prints one JSON line per record, in input order: index (of the
      input line), key, topic, partition, offset, schemaId.

  peer.py consume --brokers B --registry URL --topics T1,T2 --group G --count N
      Reads N records from the start of the topics and prints one JSON line per record:
      topic, partition, offset, key, schemaId, recordName, headers and the decoded value.

Payloads travel as JSON: timestamps as ISO 8601 strings and decimals as strings. Both
directions convert them by walking the Avro schema, so the test compares plain JSON.
Subjects follow TopicRecordNameStrategy on both serializer and deserializer, keys are the
UTF-8 bytes of the key field with no serializer framing, and the producer partitions with
librdkafka's murmur2_random, the Java client's murmur2 partitioner.
"""

import argparse
import datetime
import decimal
import functools
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient, topic_record_subject_name_strategy
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

SERDE_CONF = {"subject.name.strategy": topic_record_subject_name_strategy}


def collect_named(schema, named):
    """Adds every record, enum and fixed type defined in `schema` to `named`, by full name."""
    if isinstance(schema, list):
        for branch in schema:
            collect_named(branch, named)
    elif isinstance(schema, dict):
        if schema["type"] in ("record", "enum", "fixed"):
            name = schema["name"]
            if "." not in name and schema.get("namespace"):
                name = f"{schema['namespace']}.{name}"
            named[name] = schema
        for field in schema.get("fields", []):
            collect_named(field["type"], named)
        for nested in ("items", "values"):
            if nested in schema:
                collect_named(schema[nested], named)


def to_avro(schema, value, named):
    """Converts a JSON value into what fastavro writes for `schema`."""
    if isinstance(schema, str):
        return to_avro(named[schema], value, named) if schema in named else value
    if isinstance(schema, list):
        if value is None:
            return None
        branches = [branch for branch in schema if branch != "null"]
        if len(branches) != 1:
            raise ValueError(f"only unions of null and one type are supported, not {schema}")
        return to_avro(branches[0], value, named)
    kind = schema["type"]
    logical = schema.get("logicalType")
    if kind == "record":
        fields = {field["name"]: field for field in schema["fields"]}
        return {name: to_avro(fields[name]["type"], item, named) for name, item in value.items()}
    if kind == "array":
        return [to_avro(schema["items"], item, named) for item in value]
    if kind == "map":
        return {key: to_avro(schema["values"], item, named) for key, item in value.items()}
    if logical in ("timestamp-millis", "timestamp-micros"):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if logical == "decimal":
        return decimal.Decimal(value)
    return value


def to_json(value):
    """Converts a value fastavro read into JSON, the inverse of to_avro."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def schema_id_of(framed):
    """Returns the schema id of a value in the Confluent wire format (magic byte 0, 4-byte id)."""
    if framed is None or len(framed) < 5 or framed[0] != 0:
        return None
    return int.from_bytes(framed[1:5], "big")


def produce(args):
    registry = SchemaRegistryClient({"url": args.registry})
    producer = Producer({"bootstrap.servers": args.brokers, "partitioner": "murmur2_random", "enable.idempotence": True})
    serializers = {}
    delivered = []
    failures = []

    def on_delivery(index, error, message):
        if error is not None:
            failures.append(str(error))
            return
        delivered.append({
            "index": index,
            "key": message.key().decode("utf-8"),
            "topic": message.topic(),
            "partition": message.partition(),
            "offset": message.offset(),
            "schemaId": schema_id_of(message.value()),
        })

    lines = [line for line in sys.stdin if line.strip()]
    for index, line in enumerate(lines):
        item = json.loads(line)
        if item["schemaFile"] not in serializers:
            with open(item["schemaFile"], encoding="utf-8") as file:
                schema_text = file.read()
            schema = json.loads(schema_text)
            named = {}
            collect_named(schema, named)
            # The exact file text, so the registry stores what the SDK registers.
            serializer = AvroSerializer(schema_registry_client=registry, schema_str=schema_text, conf=SERDE_CONF)
            serializers[item["schemaFile"]] = (serializer, schema, named)
        serializer, schema, named = serializers[item["schemaFile"]]
        value = to_avro(schema, item["payload"], named)
        context = SerializationContext(item["topic"], MessageField.VALUE)
        key = item["payload"][item["keyField"]].encode("utf-8")
        report = functools.partial(on_delivery, index)
        producer.produce(item["topic"], key=key, value=serializer(value, context), on_delivery=report)
        producer.poll(0)

    remaining = producer.flush(30)
    if remaining or failures:
        sys.stderr.write(f"{remaining} record(s) not delivered; failures: {failures[:5]}\n")
        return 1
    # Delivery reports arrive per partition, not in produce order, so they are printed in
    # the order of the input lines, which the caller matches them by.
    for record in sorted(delivered, key=lambda record: record["index"]):
        print(json.dumps(record), flush=True)
    return 0


def consume(args):
    registry = SchemaRegistryClient({"url": args.registry})
    deserializer = AvroDeserializer(schema_registry_client=registry, conf=SERDE_CONF)
    consumer = Consumer({
        "bootstrap.servers": args.brokers,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe(args.topics.split(","))
    deadline = time.monotonic() + args.timeout
    received = 0
    try:
        while received < args.count:
            if time.monotonic() > deadline:
                sys.stderr.write(f"only {received} of {args.count} records arrived within {args.timeout} s\n")
                return 1
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                raise KafkaException(message.error())
            schema_id = schema_id_of(message.value())
            value = deserializer(message.value(), SerializationContext(message.topic(), MessageField.VALUE))
            writer = json.loads(registry.get_schema(schema_id).schema_str)
            name = writer["name"] if "." in writer["name"] or not writer.get("namespace") else f"{writer['namespace']}.{writer['name']}"
            print(json.dumps({
                "topic": message.topic(),
                "partition": message.partition(),
                "offset": message.offset(),
                "key": message.key().decode("utf-8") if message.key() is not None else None,
                "schemaId": schema_id,
                "recordName": name,
                "headers": {key: (item.decode("utf-8") if item is not None else None) for key, item in (message.headers() or [])},
                "value": to_json(value),
            }), flush=True)
            received += 1
    finally:
        consumer.close()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["produce", "consume"])
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topics", help="comma-separated topics to consume")
    parser.add_argument("--group", help="consumer group id")
    parser.add_argument("--count", type=int, default=0, help="records to consume")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for --count records")
    args = parser.parse_args()
    return produce(args) if args.command == "produce" else consume(args)


if __name__ == "__main__":
    sys.exit(main())

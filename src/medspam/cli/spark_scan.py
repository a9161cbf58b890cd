"""``medspam spark-scan``: run the scan as a Spark job over a list of WARC paths."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from medspam.cli.common import add_list_options, add_model_options, load_classifier, print_json
from medspam.errors import InputError
from medspam.spark import read_paths, run_job

DESCRIPTION = """Classify every page of many WARC files with Apache Spark (PySpark).

The input is a list of WARC paths, one per line (gzipped too, like Common Crawl's
warc.paths.gz); each WARC is one partition. Rows have the `medspam scan` schema and are
written as JSONL part files under OUTPUT. Run it directly (local mode by default) or with
spark-submit on a cluster:

  spark-submit --master yarn "$(python -c 'import medspam.cli.main as m; print(m.__file__)')" \\
      spark-scan --input warc.paths.gz --prefix s3://commoncrawl/ --output s3a://bucket/out/

exit codes: 0 nothing flagged, 1 something flagged, 2 usage or input error."""


def add_parser(subparsers: Any) -> None:
    """Register ``spark-scan``."""
    parser = subparsers.add_parser(
        "spark-scan", help="scan WARC files with Apache Spark (needs medspam[spark])",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, required=True, metavar="PATHS",
                        help="file listing WARC paths or URLs, one per line (.gz too)")
    parser.add_argument("--prefix", default="",
                        help="prepended to every listed path (e.g. s3://commoncrawl/)")
    parser.add_argument("--output", required=True, help="output folder for JSONL part files")
    parser.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    parser.add_argument("--compress", action="store_true", help="gzip the part files")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    add_model_options(parser)
    add_list_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the Spark job and print its counts; exit 1 when anything was flagged."""
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415 - heavy and optional
    except ImportError as exc:
        msg = "spark-scan needs PySpark: pip install 'medspam[spark]'"
        raise InputError(msg) from exc

    local = args.output.removeprefix("file://")
    if "://" not in local and Path(local).exists():  # Spark would fail at the end, not now
        msg = f"--output {args.output} exists: Spark writes a new folder; choose another"
        raise InputError(msg)
    paths = read_paths(args.input, args.prefix)
    classifier = load_classifier(args)
    builder = SparkSession.builder.appName("medspam-scan")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        counts = run_job(spark, paths, args.output, classifier, compress=args.compress)
    finally:
        spark.stop()
    if args.json:
        print_json(counts)
    else:
        print("  ".join(f"{name}: {value}" for name, value in counts.items()), file=sys.stderr)
    return 1 if counts["flagged"] else 0

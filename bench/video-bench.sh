#!/usr/bin/env bash
# Video benchmark: redaction frames/s at 720p and 1080p with the fraction of face-frames missed, and watch frames/s
# for one and four streams, on generated footage with ground truth. Usage: bench/video-bench.sh [seconds] (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o install -DskipTests -pl core,store -am
mvn -q -B -o test-compile -pl video
mvn -q -B -o dependency:build-classpath -pl video -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/target/video-cp.txt"
# the core test-jar's TestPacks fixture installs the real model pack into target/test-home when missing
java -Xmx4g --add-modules jdk.incubator.vector -Dconsentry.shared="$(pwd)/../shared" -Dconsentry.testHome="$(pwd)/target/test-home" \
  -cp "video/target/test-classes:video/target/classes:$(cat target/video-cp.txt)" ${BENCH_JAVA_OPTS:-} io.consentry.video.bench.VideoBench "${1:-10}"

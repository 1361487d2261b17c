#!/usr/bin/env bash
# Takes the README screenshots (docs/screenshots/*.png) through Scene.snapshot under headless
# Monocle: no display needed. Usage: app-ui/scripts/screenshots.sh
# Sample models from samples/models go through the real analysis; a DenseNet-121-shaped fixture shows a large graph;
# the Device tab shows a real run of resnet_tiny on the emulated ARM device (qemu-aarch64, needs qemu-user).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -pl app-ui -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt -Dedgewise.agent.test.skip=true
cp="app-ui/target/test-classes:app-ui/target/classes:$(cat app-ui/target/test-classpath.txt)"
java -Xmx2g -cp "$cp" \
  -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dheadless.geometry=1600x1000-32 \
  -Dtestfx.headless=true -Djava.awt.headless=true \
  dev.edgewise.app.gui.tools.ScreenshotTool "$root/docs/screenshots" "$root/samples/models"

#!/usr/bin/env bash
# Regenerates the JSON schemas that KubernetesManifestsTest validates the rendered manifests against (see README.md
# beside this script). Not run by the build: the schemas are committed, so the test needs neither npm nor a network.
#   deploy/src/test/resources/kubernetes-schemas/generate.sh
# Why generated from TypeScript declarations: no package that Maven or npm serve ships the Kubernetes OpenAPI
# document or JSON schemas of a current release as plain JSON; kubernetes-models ships typed declarations of every
# kind, generated from the Kubernetes OpenAPI spec, and ts-json-schema-generator turns them into draft-07 schemas
# that forbid unknown fields (additionalProperties false), as kubectl's strict field validation does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent kubernetes-models@5.1.0 ts-json-schema-generator@2.9.0
cat > kinds.ts <<'TS'
export type { INamespace } from "kubernetes-models/v1/Namespace";
export type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
export type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
export type { IService } from "kubernetes-models/v1/Service";
export type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
export type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
export type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
TS
echo '{"compilerOptions":{"module":"nodenext","moduleResolution":"nodenext","strict":true,"skipLibCheck":true}}' \
  > tsconfig.json
for kind in Namespace ServiceAccount ConfigMap Service StatefulSet PodDisruptionBudget NetworkPolicy; do
  npx ts-json-schema-generator --path kinds.ts --tsconfig tsconfig.json --type "I$kind" -o "raw-$kind.json"
  # Descriptions are dropped (they are most of the size and no check reads them); everything else is kept.
  node -e '
    const fs = require("fs");
    const strip = v => Array.isArray(v) ? v.map(strip) : v && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === "description" && typeof x === "string"))
          .map(([k, x]) => [k, strip(x)])) : v;
    fs.writeFileSync(process.argv[2], JSON.stringify(strip(JSON.parse(fs.readFileSync(process.argv[1]))), null, 1) + "\n");
  ' "raw-$kind.json" "$here/$(echo "$kind" | tr '[:upper:]' '[:lower:]').json"
done
ls -l "$here"/*.json

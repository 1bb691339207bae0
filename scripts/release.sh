#!/usr/bin/env bash
# The release steps .github/workflows/release.yml runs on a version tag (and a maintainer can run
# by hand); __tests__/release.test.ts runs them against a throwaway repository.
#   check <tag>       the tag is v<package.json version>, a plain x.y.z, with a CHANGELOG.md section
#   notes <tag>       prints that CHANGELOG.md section: the release notes
#   move-major <tag>  points the major tag (v1) at the tag's commit and force-pushes it to origin,
#                     as the official actions do, so `@v1` users get the release
set -euo pipefail
cmd=${1:-} tag=${2:-}
[ -n "$cmd" ] && [ -n "$tag" ] || { echo "usage: $0 check|notes|move-major <tag>" >&2; exit 2; }
version=${tag#v}

case "$cmd" in
  check)
    if ! [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
      echo "release tags look like v1.2.3 (got $tag); pre-releases do not move the major tag" >&2
      exit 1
    fi
    pkg=$(node -p 'require("./package.json").version')
    if [ "$pkg" != "$version" ]; then
      echo "tag $tag, but package.json's version is $pkg: set it (and src/version.ts) to $version first" >&2
      exit 1
    fi
    if ! grep -q "^## \[$version\]" CHANGELOG.md; then
      echo "CHANGELOG.md has no '## [$version]' section: say what $tag changes for users" >&2
      exit 1
    fi
    ;;
  notes)
    awk -v head="## [$version]" 'index($0, "## [") == 1 { if (on) exit; on = (index($0, head) == 1); next } on' CHANGELOG.md
    ;;
  move-major)
    major=${tag%%.*}
    commit=$(git rev-parse "$tag^{commit}")
    git tag --force "$major" "$commit"
    git push --force origin "refs/tags/$major"
    echo "$major now points at $commit ($tag)"
    ;;
  *)
    echo "unknown step $cmd (check, notes, move-major)" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The scholar GitHub Action's refresh step: run `scholar refresh`, then commit and push the
# files it changed, and nothing else. action.yml runs this script; tests/test_action.py runs
# it the same way, with the environment a runner gives a composite step.
#
# Inputs arrive as INPUT_* variables and are never pasted into shell text: a page path or a
# commit message may hold any character.
#
# Outputs (to $GITHUB_OUTPUT): changed (true|false), files (one path per line, relative to
# the repository root), commit (the new commit's sha, or empty).
set -euo pipefail

page=${INPUT_PAGE:-}
badges=${INPUT_BADGES:-}
data=${INPUT_DATA:-}
citations=${INPUT_CITATIONS:-}
citations_json=${INPUT_CITATIONS_JSON:-}
commit=${INPUT_COMMIT:-true}
message=${INPUT_COMMIT_MESSAGE:-}
if [[ -z $message ]]; then
    message="Refresh star badges and publication tables"
fi
# The identity GitHub shows as "github-actions[bot]" with its avatar.
bot_name="github-actions[bot]"
bot_email="41898282+github-actions[bot]@users.noreply.github.com"

fail() {
    echo "::error title=scholar::$1" >&2
    exit "${2:-1}"
}

output() {
    if [[ -n ${GITHUB_OUTPUT:-} ]]; then
        printf '%s\n' "$@" >>"$GITHUB_OUTPUT"
    fi
}

case $commit in
    true | false) ;;
    *) fail "input commit must be true or false, not '$commit'" 2 ;;
esac

top=$(git rev-parse --show-toplevel 2>/dev/null) ||
    fail "$PWD is not in a git checkout: run actions/checkout before this action"

# Before any request: a commit needs a branch to go to.
if [[ $commit == true ]]; then
    branch=$(git -C "$top" symbolic-ref --quiet --short HEAD) ||
        fail "HEAD is detached: check out a branch (actions/checkout with ref: <branch>) to commit to"
fi

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/scholar-action.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
real_index=$(git -C "$top" rev-parse --path-format=absolute --git-path index)

# The working tree as a tree object, written through a throwaway index: the real index (and
# whatever an earlier step staged) is not touched, and comparing two snapshots names exactly
# the files the refresh wrote, whatever the page, data file or citations file are called and
# whether scholar.toml or a flag chose them. Starting from a copy of the real index lets git
# skip files whose stat data did not change. Lock and temporary files scholar leaves beside
# a page are never content, even where .gitignore does not say so.
snapshot() {
    local index="$tmp/index"
    rm -f "$index"
    if [[ -f $real_index ]]; then cp "$real_index" "$index"; fi
    GIT_INDEX_FILE=$index git -C "$top" add --all -- . \
        ':(exclude)*.scholar-lock' ':(exclude)*.scholar-tmp'
    GIT_INDEX_FILE=$index git -C "$top" write-tree
}

args=(refresh)
if [[ -n $page ]]; then args+=(--page "$page"); fi
if [[ -n $badges ]]; then args+=(--badges "$badges"); fi
if [[ -n $data ]]; then args+=(--data "$data"); fi
if [[ -n $citations ]]; then args+=(--citations "$citations"); fi
if [[ -n $citations_json ]]; then args+=(--citations-json "$citations_json"); fi

before=$(snapshot)
echo "scholar ${args[*]}"
status=0
scholar "${args[@]}" || status=$?
# scholar leaves its lock file beside the page on purpose (removing it while it is in use
# could let two refreshes lock different files). The refresh is over, and a later step that
# commits everything (git add -A, a pull-request action) must not pick the lock file up.
git -C "$top" ls-files -z --others --exclude-standard -- '*.scholar-lock' |
    (cd "$top" && xargs -0 -r rm -f --)
if ((status != 0)); then
    # 5: a source failed and nothing was stored for some item; scholar left the page as it
    # was. Any other failure: nothing it wrote can be trusted. Either way, commit nothing.
    output "changed=false" "commit="
    fail "scholar refresh exited $status; nothing was committed" "$status"
fi
after=$(snapshot)

git -C "$top" diff-tree -r --name-only -z "$before" "$after" >"$tmp/changed"
delimiter="scholar_$RANDOM$RANDOM$RANDOM"
output "files<<$delimiter"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then tr '\0' '\n' <"$tmp/changed" >>"$GITHUB_OUTPUT"; fi
output "$delimiter"

if [[ ! -s $tmp/changed ]]; then
    echo "The page is current; nothing to commit."
    output "changed=false" "commit="
    exit 0
fi
output "changed=true"
echo "Changed by scholar:"
tr '\0' '\n' <"$tmp/changed" | sed 's/^/  /'

if [[ $commit == false ]]; then
    echo "commit: false; the changes stay in the working tree."
    output "commit="
    exit 0
fi

# Literal pathspecs: a file name is a name, never a glob or pathspec magic. Naming the paths
# on `git commit` commits only them, even if an earlier step staged something else.
export GIT_LITERAL_PATHSPECS=1
git -C "$top" add --pathspec-from-file="$tmp/changed" --pathspec-file-nul
GIT_AUTHOR_NAME=$bot_name GIT_AUTHOR_EMAIL=$bot_email \
    GIT_COMMITTER_NAME=$bot_name GIT_COMMITTER_EMAIL=$bot_email \
    git -C "$top" commit --quiet --no-verify --message "$message" \
    --pathspec-from-file="$tmp/changed" --pathspec-file-nul
sha=$(git -C "$top" rev-parse HEAD)
output "commit=$sha"
# The push uses the credentials actions/checkout left in the git config (its token or ssh-key).
git -C "$top" push --quiet origin "HEAD:refs/heads/$branch"
echo "Committed $sha to $branch and pushed it."

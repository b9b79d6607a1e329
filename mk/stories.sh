#!/bin/sh
# mk/stories.sh - regenerate the bug catalogue's stories and pictures
# (make stories): hunt every catalogued bug (mmsim bugs --stories), render
# each picture to PNG, and put each story into docs/bugs.md under its
# bug's heading, between "<!-- story NAME -->" and "<!-- /story -->".
# tests/t_story.c checks the committed texts are what mmsim prints now.
set -eu
dir=docs/pictures
mkdir -p "$dir"
./mmsim bugs --stories "$dir" >/dev/null
for svg in "$dir"/*.svg; do
	rsvg-convert "$svg" -o "${svg%.svg}.png"
done
for txt in "$dir"/*.txt; do
	name=$(basename "$txt" .txt)
	has=$(grep -c "^<!-- story $name -->\$" docs/bugs.md || true)
	awk -v name="$name" -v txt="$txt" -v has="$has" '
	function block() {
		print "<!-- story " name " -->"
		print ""
		print "![the story of " name "](pictures/" name ".png)"
		print ""
		print "<details><summary>The story as mmsim prints it " \
		      "(docs/pictures/" name ".txt)</summary>"
		print ""
		print "```"
		while ((getline line < txt) > 0)
			print line
		close(txt)
		print "```"
		print "</details>"
		print "<!-- /story -->"
	}
	$0 == "<!-- story " name " -->" { skip = 1; block(); done = 1; next }
	skip && $0 == "<!-- /story -->" { skip = 0; next }
	skip { next }
	{ print }
	!has && !done && !seen && ($0 == "## " name || index($0, "## " name " ") == 1) {
		seen = 1; print ""; block(); done = 1
	}
	' docs/bugs.md >docs/bugs.md.new
	mv docs/bugs.md.new docs/bugs.md
done

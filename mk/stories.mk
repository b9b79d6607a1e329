# make stories: the bug catalogue's stories and pictures (docs/pictures/,
# docs/bugs.md), regenerated from the hunt (mk/stories.sh).
.PHONY: stories
stories: mmsim
	sh mk/stories.sh

# make proofs: docs/proofs.md, what a plain `mmsim explore FILE` proves
# for every shipped `expect ok` scenario (mk/proofs.sh).
.PHONY: proofs
proofs: mmsim
	sh mk/proofs.sh

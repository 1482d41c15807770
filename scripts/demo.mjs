#!/usr/bin/env node
console.error(`modelship demo: not implemented yet.
It will: train a housing-price regression (v1), stamp its manifest, gate it into staging,
wait for one approval into production, train v2 and promote it only if it beats the champion,
then show the inference server refusing a tampered model file — all offline.`);
process.exit(1);

package org.opensearch.hubness.bank.storage;

/**
 * Vectors posted in a PUT, stored once as immutable chunks in the bank index (never in the definition or the cluster
 * state): the definition keeps only this reference and the content hash that a rebuild verifies.
 */
public record PostedBlob(String blobId, int count, int dimension, String sha256) {}

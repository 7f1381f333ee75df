// Keeps pro380_testing a valid library while it has no other sources.

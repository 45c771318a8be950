/** This package's name and version, as the instrumentation scope of its tracer and meter (a test checks them against package.json). */
export const PACKAGE_NAME = '@poolkit/opentelemetry';
/** See {@link PACKAGE_NAME}. */
export const PACKAGE_VERSION = '0.1.0';

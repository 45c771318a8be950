/** Whether the native addon loads here: if not, the native contenders must say skipped. */
export async function nativeLoads(): Promise<boolean> {
  try {
    (await import('@poolkit/native')).poolThreads();
    return true;
  } catch {
    return false;
  }
}

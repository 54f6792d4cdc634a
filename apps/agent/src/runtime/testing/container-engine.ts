import Docker from 'dockerode';

/** Where `scripts/container-engine.sh` serves the Docker API, and the busybox image it imports. */
export const ENGINE_SOCKET = process.env.CONTAINER_ENGINE_SOCKET || '/run/kontena-es/engine.sock';
export const BUSYBOX_IMAGE = process.env.CONTAINER_ENGINE_IMAGE || 'localhost/kontena-es/busybox:1';

/**
 * The docker runtime is tested against a real engine. Without one its tests fail, with this message,
 * rather than skip: a skipped suite reads as green.
 */
export async function requireEngine(): Promise<Docker> {
  const docker = new Docker({ socketPath: ENGINE_SOCKET });
  try {
    await docker.ping();
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `No Docker-compatible engine answers on ${ENGINE_SOCKET} (${why}). The docker runtime tests need one: ` +
        'run scripts/container-engine.sh (it installs, configures and starts Podman; CI runs it before the tests), ' +
        'or point CONTAINER_ENGINE_SOCKET at a Docker socket.',
    );
  }
  try {
    await docker.getImage(BUSYBOX_IMAGE).inspect();
  } catch {
    throw new Error(
      `The test image ${BUSYBOX_IMAGE} is missing: run scripts/container-engine.sh, which imports it.`,
    );
  }
  return docker;
}

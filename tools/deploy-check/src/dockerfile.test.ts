import { readFileSync } from 'node:fs';
import { checkDockerfile, checkDockerignore } from './dockerfile-checks';
import { DOCKERFILE, DOCKERIGNORE } from './paths';
import { formatProblems } from './problem';

const dockerfile = readFileSync(DOCKERFILE, 'utf8');
const check = (text: string) => formatProblems(checkDockerfile(text));

describe('the Dockerfile', () => {
  it('has a target per service: the bundle alone on node:24-slim, non-root, no HEALTHCHECK', () => {
    expect(check(dockerfile)).toBe('');
  });

  it('is built from a context without node_modules, dist or .git', () => {
    expect(formatProblems(checkDockerignore(readFileSync(DOCKERIGNORE, 'utf8')))).toBe('');
  });
});

describe('the Dockerfile checks report', () => {
  it('a missing target', () => {
    expect(check(dockerfile.replace('AS fault-runner', 'AS fault_runner'))).toMatch(/target fault-runner: no build target "fault-runner"/);
  });

  it('another base image', () => {
    expect(check(dockerfile.replace('ARG NODE_IMAGE=node:24-slim', 'ARG NODE_IMAGE=node:22'))).toMatch(
      /target producer: runtime image is built on node:22, not node:24-slim/,
    );
  });

  it('a root user', () => {
    expect(check(dockerfile.replace('USER 1000:1000', 'USER root'))).toMatch(/target producer: runs as root: USER root/);
    expect(check(dockerfile.replace('USER 1000:1000', ''))).toMatch(/target producer: runs as root: no USER/);
  });

  it('the librdkafka binding only in the images of services that use it, and only from the stage that built it', () => {
    const elsewhere = dockerfile.replace('EXPOSE 8082', 'EXPOSE 8082\nCOPY --from=kafka-native /native/node_modules /app/node_modules');
    expect(check(elsewhere)).toMatch(/target consumer-validator: line \d+: copies from kafka-native/);
    const otherSource = dockerfile.replace(
      'COPY --from=kafka-native /native/node_modules /app/node_modules',
      'COPY --from=build /src/node_modules /app/node_modules',
    );
    expect(check(otherSource)).toMatch(/target producer: line \d+: copies \/src\/node_modules/);
  });

  it('a HEALTHCHECK', () => {
    const withHealthcheck = dockerfile.replace(
      'EXPOSE 8082',
      'EXPOSE 8082\nHEALTHCHECK CMD node -e "fetch(\'http://localhost:8082/healthz\')"',
    );
    expect(check(withHealthcheck)).toMatch(/target consumer-validator: line \d+: HEALTHCHECK in a runtime image/);
  });

  it('node_modules or sources in a runtime image', () => {
    const withModules = dockerfile.replace(
      'EXPOSE 8085',
      'EXPOSE 8085\nCOPY --from=build-report-aggregator /src/node_modules /app/node_modules',
    );
    expect(check(withModules)).toMatch(/target report-aggregator: line \d+: copies \/src\/node_modules/);
    const withContext = dockerfile.replace('EXPOSE 8085', 'EXPOSE 8085\nCOPY . /app/');
    expect(check(withContext)).toMatch(/copies from the build context/);
    const withInstall = dockerfile.replace('EXPOSE 8085', 'EXPOSE 8085\nRUN npm install kafkajs');
    expect(check(withInstall)).toMatch(/RUN in a runtime image \(npm install kafkajs\)/);
  });

  it('a bundle without its source map, or from another service', () => {
    expect(check(dockerfile.replace('/src/services/producer/dist/main.js.map ', ''))).toMatch(
      /target producer: does not copy dist\/main\.js\.map/,
    );
    expect(
      check(
        dockerfile.replace('COPY --from=build-producer /src/services/producer/', 'COPY --from=build-producer /src/services/provisioner/'),
      ),
    ).toMatch(/target producer: line \d+: copies \/src\/services\/provisioner\/dist\/main\.js/);
  });

  it('OCI labels not taken from build args, and a wrong entrypoint or port', () => {
    const edited = dockerfile
      .replace(
        'org.opencontainers.image.version="${VERSION}" \\\n      org.opencontainers.image.source="${SOURCE}"\nCOPY --from=build-provisioner',
        'org.opencontainers.image.version="1.0" \\\n      org.opencontainers.image.source="${SOURCE}"\nCOPY --from=build-provisioner',
      )
      .replace('ENTRYPOINT ["node", "--enable-source-maps", "/app/main.js"]', 'ENTRYPOINT ["node", "/app/main.js"]')
      .replace('EXPOSE 8084', 'EXPOSE 8080');
    const found = check(edited);
    expect(found).toMatch(/target provisioner: label org\.opencontainers\.image\.version must come from build arg VERSION/);
    expect(found).toMatch(/target producer: ENTRYPOINT must be \["node","--enable-source-maps","\/app\/main\.js"\]/);
    expect(found).toMatch(/target provisioner: does not EXPOSE 8084/);
  });

  it('a .dockerignore that sends node_modules', () => {
    expect(formatProblems(checkDockerignore('dist\n.git\n'))).toMatch(/must exclude node_modules/);
  });
});

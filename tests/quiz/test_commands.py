"""Typed Docker commands are graded by meaning, not by spelling."""

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.quiz.commands import FLAGS, Flag, same_command

SAME = [
    # Aliases of the same command.
    ("docker ps", "docker container ls"),
    ("docker ps", "docker container list"),
    ("docker ps", "docker container ps"),
    ("docker container ls -a", "docker ps --all"),
    ("docker images", "docker image ls"),
    ("docker images", "docker image list"),
    ("docker rmi <image>", "docker image rm nginx"),
    ("docker rmi <image>", "docker image remove nginx"),
    ("docker rm <container>", "docker container rm web"),
    ("docker rm <container>", "docker container remove web"),
    ("docker run nginx", "docker container run nginx"),
    ("docker exec web ls", "docker container exec web ls"),
    ("docker stop <container>", "docker container stop web"),
    ("docker start <container>", "docker container start web"),
    ("docker restart <container>", "docker container restart web"),
    ("docker logs <container>", "docker container logs web"),
    ("docker top my_container", "docker container top my_container"),
    ("docker stats", "docker container stats"),
    ("docker kill web", "docker container kill web"),
    ("docker create nginx", "docker container create nginx"),
    ("docker pause web", "docker container pause web"),
    ("docker inspect my_container", "docker container inspect my_container"),
    ("docker inspect <image>", "docker image inspect nginx"),
    ("docker network inspect <network>", "docker inspect mynet"),
    ("docker pull <image>", "docker image pull nginx"),
    ("docker push <image>", "docker image push me/app"),
    ("docker tag app me/app", "docker image tag app me/app"),
    ("docker history nginx", "docker image history nginx"),
    ("docker save -o x.tar nginx", "docker image save --output x.tar nginx"),
    ("docker load -i x.tar", "docker image load --input=x.tar"),
    ("docker build -t <tag> <path>", "docker image build -t app ."),
    ("docker build -t <tag> <path>", "docker buildx build --tag app ."),
    ("docker build -t <tag> <path>", "docker builder build -t app ."),
    ("docker network ls", "docker network list"),
    ("docker volume ls", "docker volume list"),
    ("docker network rm <network>", "docker network remove mynet"),
    ("docker info", "docker system info"),
    ("docker-compose up", "docker compose up"),
    ("docker-compose logs", "docker compose logs"),
    ("docker-compose exec <service> <command>", "docker compose exec web sh"),
    ("docker-compose -f dev.yml up -d", "docker compose --file dev.yml up --detach"),
    # Short and long flags, combined groups, attached values.
    ("docker ps -a", "docker ps --all"),
    ("docker ps -q", "docker ps --quiet"),
    ("docker ps -aq", "docker ps -a -q"),
    ("docker ps -aq", "docker ps --quiet --all"),
    ("docker ps -n 3", "docker ps --last=3"),
    ("docker ps -n 3", "docker ps -n3"),
    ("docker ps -s -l", "docker ps --latest --size"),
    ("docker ps -f status=exited", "docker ps --filter status=exited"),
    ("docker run -d nginx", "docker run --detach nginx"),
    ("docker run -it ubuntu bash", "docker run -i -t ubuntu bash"),
    ("docker run -it ubuntu bash", "docker run -ti ubuntu bash"),
    ("docker run -it ubuntu bash", "docker run --interactive --tty ubuntu bash"),
    ("docker run -dit ubuntu", "docker run -d -i -t ubuntu"),
    ("docker run -p 8080:80 nginx", "docker run --publish 8080:80 nginx"),
    ("docker run -p 8080:80 nginx", "docker run --publish=8080:80 nginx"),
    ("docker run -p 8080:80 nginx", "docker run -p8080:80 nginx"),
    ("docker run -p 8080:80 nginx", "docker run -p=8080:80 nginx"),
    ("docker run -it -p 80:80 nginx", "docker run -itp 80:80 nginx"),
    ("docker run -it -p 80:80 nginx", "docker run -itp80:80 nginx"),
    ("docker run -e A=1 nginx", "docker run -e=A=1 nginx"),
    ("docker run -e A=1 nginx", "docker run --env A=1 nginx"),
    ("docker run -P nginx", "docker run --publish-all nginx"),
    ("docker run -v mydata:/data nginx", "docker run --volume=mydata:/data nginx"),
    ("docker run -u root -w /app img", "docker run --workdir /app --user=root img"),
    ("docker run -m 512m img", "docker run --memory=512m img"),
    ("docker run --network mynet img", "docker run --net=mynet img"),
    ("docker run -h box img", "docker run --hostname box img"),
    ("docker run -l tier=web img", "docker run --label tier=web img"),
    ("docker run --read-only --cpus=1.5 img", "docker run --cpus 1.5 --read-only img"),
    ("docker run --restart=always img", "docker run --restart always img"),
    (
        "docker exec -u root -it <container> bash",
        "docker exec --user root -ti web bash",
    ),
    (
        "docker exec -e A=1 -w /app web ls",
        "docker exec --workdir=/app --env=A=1 web ls",
    ),
    (
        "docker build -t app -f Dockerfile.dev .",
        "docker build --file Dockerfile.dev -t app .",
    ),
    ("docker build --no-cache -t app .", "docker build -t app --no-cache ."),
    ("docker build --build-arg V=1 -q .", "docker build --quiet --build-arg=V=1 ."),
    ("docker rm -f <container>", "docker rm --force web"),
    ("docker rm -v <container>", "docker rm --volumes web"),
    ("docker rmi -f <image>", "docker rmi --force nginx"),
    ("docker logs -f <container>", "docker logs --follow web"),
    ("docker logs -n 10 <container>", "docker logs --tail 10 web"),
    ("docker logs -t --since 5m web", "docker logs --since=5m --timestamps web"),
    ("docker stop -t 30 web", "docker stop --time 30 web"),
    ("docker stop -t 30 web", "docker stop --timeout=30 web"),
    ("docker restart -s SIGKILL web", "docker restart --signal SIGKILL web"),
    ("docker images -q", "docker images --quiet"),
    ("docker images -a", "docker image ls --all"),
    (
        "docker network create -d bridge net",
        "docker network create --driver=bridge net",
    ),
    (
        "docker network create -o encrypted net",
        "docker network create --opt encrypted net",
    ),
    (
        "docker network create --internal net",
        "docker network create --internal=true net",
    ),
    ("docker volume ls -f dangling=true", "docker volume ls --filter dangling=true"),
    ("docker compose up -d", "docker compose up --detach"),
    ("docker compose up -d --build", "docker compose up --build -d"),
    ("docker compose down -v", "docker compose down --volumes"),
    ("docker compose down --rmi all", "docker compose down --rmi=all"),
    ("docker compose logs -f", "docker compose logs --follow"),
    ("docker system df -v", "docker system df --verbose"),
    (
        "docker inspect -f '{{.State.Status}}' web",
        "docker inspect --format '{{.State.Status}}' web",
    ),
    ("docker stats --no-stream -a", "docker stats --all --no-stream"),
    (
        "docker login -u me --password-stdin",
        "docker login --password-stdin --username=me",
    ),
    # Order, spacing, quoting, line continuations.
    (
        "docker run -d --name web -p 80:80 nginx",
        "docker run -p 80:80 --name web -d nginx",
    ),
    ("docker run -d --name web nginx", "  docker   run  --name=web\t-d   nginx  "),
    ("docker run -p 80:80 -p 443:443 nginx", "docker run -p 443:443 -p 80:80 nginx"),
    (
        "docker run --cap-drop=ALL --cap-add=NET_ADMIN my_container",
        "docker run --cap-add NET_ADMIN --cap-drop ALL my_container",
    ),
    (
        "docker inspect --format '{{.HostConfig.CapAdd}}' <container>",
        'docker inspect --format "{{.HostConfig.CapAdd}}" web',
    ),
    (
        "docker inspect --format='{{.HostConfig.CapAdd}}' <container_id_or_name>",
        "docker container inspect -f '{{.HostConfig.CapAdd}}' web",
    ),
    ("docker run --name 'my app' nginx", 'docker run --name "my app" nginx'),
    ("docker rm -f web", "docker rm web -f"),
    ("docker run --rm nginx", "docker run --rm=true nginx"),
    ("docker ps", "docker ps --all=false"),
    ("docker run -it ubuntu bash", "docker run \\\n  -it ubuntu bash"),
    (
        "docker run --rm -v mydata:/data -v $(pwd):/backup busybox tar cvf /b.tar /d",
        "docker run -v '$(pwd):/backup' --rm --volume mydata:/data busybox "
        "tar cvf /b.tar /d",
    ),
    # A prompt, sudo or Markdown backticks around the answer.
    ("docker ps -a", "sudo docker ps -a"),
    ("docker ps -a", "$ docker ps -a"),
    ("docker ps -a", "$ sudo docker ps --all"),
    ("docker ps -a", "`docker ps -a`"),
    # Placeholders.
    ("docker pull <image>", "docker pull nginx:1.27"),
    ("docker tag <image> <repository>:<tag>", "docker tag app registry.io/app:1.0"),
    (
        "docker run -v <host-path>:<container-path> <image>",
        "docker run -v /srv:/data nginx",
    ),
    ("docker run -d --name <name> <image>", "docker run --name web -d nginx"),
    ("docker exec -it <container> <command>", "docker exec -it web sh -c 'ls -la'"),
    (
        "docker exec -u root <container_id_or_name> <command>",
        "docker exec --user=root web id -u",
    ),
    (
        "docker run -p <a>:80 -p <b>:443 nginx",
        "docker run -p 8443:443 -p 8080:80 nginx",
    ),
    ("docker-compose exec <service> <command>", "docker compose exec db psql -U app"),
    # Option values that say the same thing in another way.
    (
        "docker run --mount type=volume,source=<volume>,target=<path> <image>",
        "docker run --mount target=/data,src=webdata nginx",
    ),
    (
        "docker run --mount source=webdata,target=/data,readonly nginx",
        "docker run --mount type=volume,dst=/data,source=webdata,ro=true nginx",
    ),
    (
        "docker run --mount type=bind,source=<host-path>,target=<path> <image>",
        "docker run --mount type=bind,destination=/app,src=/srv/app nginx",
    ),
    (
        "docker run --security-opt no-new-privileges <image>",
        "docker run --security-opt no-new-privileges=true nginx",
    ),
    (
        "docker run --security-opt no-new-privileges <image>",
        "docker run --security-opt no-new-privileges:true nginx",
    ),
    (
        "docker run --security-opt seccomp=unconfined <image>",
        "docker run --security-opt seccomp:unconfined nginx",
    ),
    (
        "docker run --cap-drop ALL --cap-add NET_ADMIN <image>",
        "docker run --cap-drop=all --cap-add=CAP_NET_ADMIN nginx",
    ),
    ("docker run --user root <image>", "docker run -u 0 alpine"),
    ("docker exec -u root:root web id", "docker exec -u 0:0 web id"),
    # Environment prefixes and other programs.
    (
        "DOCKER_CONTENT_TRUST=1 docker pull <image>",
        "DOCKER_CONTENT_TRUST=1 docker image pull alpine",
    ),
    ("tar xvf /backup/backup.tar -C /data", "tar  xvf /backup/backup.tar -C /data"),
    # systemd names a service with or without .service; journalctl's -u option
    # has four spellings.
    ("journalctl -u docker.service", "journalctl -u docker"),
    ("journalctl -u docker.service", "sudo journalctl --unit=docker.service"),
    ("journalctl -u docker.service", "journalctl --unit docker"),
    ("journalctl -u docker.service", "journalctl -udocker.service"),
    ("journalctl -u docker", "journalctl -u docker.service"),
    ("systemctl status docker", "systemctl status docker.service"),
    ("systemctl status docker", "sudo systemctl status docker"),
]

DIFFERENT = [
    # Another command.
    ("docker ps", "podman ps"),
    ("docker ps", "ps"),
    ("docker ps -a", "docker images -a"),
    ("docker rm <container>", "docker rmi web"),
    ("docker rm <container>", "docker image rm web"),
    ("docker rmi <image>", "docker container rm nginx"),
    ("docker stop <container>", "docker kill web"),
    ("docker start <container>", "docker restart web"),
    ("docker network ls", "docker volume ls"),
    ("docker volume rm data", "docker volume prune"),
    ("docker compose up", "docker-compose down"),
    ("docker container inspect web", "docker image inspect web"),
    ("docker inspect web", "docker buildx inspect web"),
    ("docker ps -a", "docker ps -a; docker ps"),
    # Option values that differ in meaning.
    (
        "docker run --mount source=webdata,target=/data nginx",
        "docker run --mount source=webdata,target=/data,readonly nginx",
    ),
    (
        "docker run --mount type=volume,source=data,target=/data nginx",
        "docker run --mount type=bind,source=data,target=/data nginx",
    ),
    (
        "docker run --security-opt no-new-privileges nginx",
        "docker run --security-opt no-new-privileges=false nginx",
    ),
    ("docker run --cap-add NET_ADMIN nginx", "docker run --cap-add NET_RAW nginx"),
    ("docker run --user root alpine", "docker run --user 1000 alpine"),
    # A missing, extra or different flag.
    ("docker ps", "docker ps -a"),
    ("docker ps -a", "docker ps"),
    ("docker ps -a", "docker ps -q"),
    ("docker images", "docker image ls -a"),
    ("docker rm <container>", "docker rm -f web"),
    ("docker run -d nginx", "docker run nginx"),
    ("docker run -it ubuntu bash", "docker run -i ubuntu bash"),
    ("docker run -p 8080:80 nginx", "docker run -P nginx"),
    ("docker run -p 8080:80 nginx", "docker run -p 8080:80 -p 443:443 nginx"),
    ("docker run -p 80:80 -p 80:80 nginx", "docker run -p 80:80 nginx"),
    (
        "docker run -v data:/data nginx",
        "docker run --mount source=data,target=/data nginx",
    ),
    ("docker logs -f web", "docker logs -t web"),
    ("docker logs web", "docker logs -f web"),
    ("docker logs <container>", "docker logs --since 5m web"),
    ("docker build -t app .", "docker build -f app ."),
    ("docker build .", "docker build --no-cache ."),
    ("docker compose down", "docker compose down -v"),
    ("docker compose up -d", "docker compose up"),
    ("docker network create --internal net", "docker network create net"),
    ("docker system df", "docker system df -v"),
    ("docker system prune", "docker system prune -a"),
    ("docker run -it ubuntu", "docker run -it -x ubuntu"),
    ("docker ps --foo", "docker ps"),
    ("docker ps --foo=1", "docker ps --foo 1"),
    ("DOCKER_CONTENT_TRUST=1 docker pull alpine", "docker pull alpine"),
    ("journalctl -u docker.service", "journalctl"),
    ("journalctl -u docker.service", "journalctl -f -u docker.service"),
    ("journalctl -u docker.service", "journalctl -u"),
    ("systemctl status docker", "systemctl status"),
    # A different value or argument.
    ("docker run -p 8080:80 nginx", "docker run -p 80:8080 nginx"),
    ("docker run -p 80:80 nginx", "docker run -P 80:80 nginx"),
    ("docker run nginx", "docker run nginx:alpine"),
    ("docker run -d --name web nginx", "docker run -d --name db nginx"),
    ("docker run -it ubuntu bash", "docker run -it ubuntu sh"),
    ("docker run -it ubuntu bash", "docker run -it ubuntu"),
    ("docker exec -it web bash", "docker exec -it bash web"),
    ("docker build -t app .", "docker build -t app ./src"),
    ("docker network create -d bridge net", "docker network create -d overlay net"),
    ("docker stop -t 30 web", "docker stop -t 10 web"),
    ("journalctl -u docker.service", "journalctl -u containerd.service"),
    ("journalctl -u docker.service", "journalctl -u docker.socket"),
    ("systemctl status docker", "systemctl restart docker"),
    ("systemctl status docker", "systemctl status containerd"),
    ("systemctl status docker", "journalctl status docker"),
    ("docker inspect -f '{{.Id}}' web", "docker inspect -f '{{.Name}}' web"),
    # Flags after the image belong to the container's command.
    ("docker run --rm nginx", "docker run nginx --rm"),
    ("docker run -d nginx", "docker run nginx -d"),
    # Case matters as in a shell.
    ("docker ps", "Docker ps"),
    ("docker ps", "docker PS"),
    ("docker run -p 80:80 nginx", "docker run -P 80:80 nginx"),
    # Placeholders take exactly one argument, never a flag or nothing.
    ("docker rm <container>", "docker rm"),
    ("docker rm <container>", "docker rm a b"),
    ("docker rm <container>", "docker rm -f"),
    ("docker run --name <name> nginx", "docker run --name -d nginx"),
    ("docker pull <image>", "docker pull ''"),
    ("docker tag <image> <repository>:<tag>", "docker tag app registry/app"),
    ("docker run -v <host-path>:<container-path> <image>", "docker run -v data nginx"),
    ("docker exec -it <container> <command>", "docker exec -it web"),
    ("docker exec <container> <command>", "docker exec -it web sh"),
    ("docker pull nginx", "docker pull <image>"),
    # Unparseable or empty answers are simply wrong.
    ("docker ps", ""),
    ("docker ps", "   "),
    ("docker ps", "docker ps '"),
    ("docker ps", "sudo"),
    ("docker run --name 'my app' nginx", 'docker run --name "my app nginx'),
    ("docker run --name web nginx", "docker run --name"),
    ("docker run --rm nginx", "docker run --rm=maybe nginx"),
    ("docker ps '", "docker ps '"),
]


@pytest.mark.parametrize(("expected", "answer"), SAME)
def test_equivalent_commands_are_accepted(expected, answer):
    assert same_command(expected, answer)


@pytest.mark.parametrize(("expected", "answer"), DIFFERENT)
def test_different_commands_are_refused(expected, answer):
    assert not same_command(expected, answer)


def test_the_tables_cover_the_rules():
    assert len(SAME) + len(DIFFERENT) >= 80


@pytest.mark.parametrize("answer", [None, 42, b"docker ps", ["docker", "ps"]])
def test_answers_that_are_not_text_are_wrong(answer):
    assert same_command("docker ps", answer) is False


def test_an_absurdly_long_answer_is_wrong_not_slow():
    assert not same_command("docker pull <image>", "docker pull " + "a" * 100_000)


TOKENS = st.sampled_from(
    [
        *"docker compose docker-compose run exec ps rm image container".split(),
        *"-a -it -p 80:80 --name --name= -e= -- - --rm=maybe sudo $".split(),
        *["<image>", "<a>:<b>", "'", '"', "\\", "`", "\n", "A=1", "-itp", "-e=X"],
    ]
)
COMMAND_SOUP = st.lists(TOKENS, max_size=12).map(" ".join)


@given(st.text(), st.text())
def test_random_text_never_raises(expected, answer):
    assert same_command(expected, answer) in (True, False)


@given(COMMAND_SOUP, COMMAND_SOUP)
def test_command_like_soup_never_raises(expected, answer):
    assert same_command(expected, answer) in (True, False)


# Well-formed commands drawn from the flag table.
VALUES = st.text(
    alphabet=st.sampled_from("abcXYZ019 ._:/=,@-'\"{}$"), min_size=0, max_size=8
)
WORDS = st.text(alphabet=st.sampled_from("abcxyz019._:/@"), min_size=1, max_size=6)


def spellings(table: dict[str, Flag]) -> dict[Flag, list[str]]:
    """Group a flag table's spellings by flag, short spelling first."""
    grouped: dict[Flag, list[str]] = {}
    for spelling in sorted(table, key=lambda s: (s.startswith("--"), s)):
        grouped.setdefault(table[spelling], []).append(spelling)
    return grouped


@st.composite
def commands(draw):
    """Draw a command path, some of its options and some arguments."""
    path = draw(st.sampled_from(sorted(FLAGS)))
    grouped = spellings(FLAGS[path])
    flags = draw(st.lists(st.sampled_from(sorted(grouped)), max_size=6))
    options = [(flag, draw(VALUES) if flag.takes_value else None) for flag in flags]
    args = draw(st.lists(WORDS, max_size=3))
    return path, grouped, options, args


def canonical(path, options, args) -> str:
    """Write a command with long flags, in the order drawn."""
    tokens = ["docker", *path]
    for flag, value in options:
        tokens += [f"--{flag.name}"] + ([] if value is None else [value])
    return shlex.join([*tokens, *args])


def respelled(draw, grouped, option) -> list[str]:
    """Write one option in any spelling the Docker CLI accepts."""
    flag, value = option
    names = grouped[flag]
    name = draw(st.sampled_from(names))
    if value is None:
        return [draw(st.sampled_from([name, f"{name}=true"]))]
    forms = [[name, value]]
    if name.startswith("--"):
        forms.append([f"{name}={value}"])
    elif value:  # pflag reads `-e=` as the value "="
        forms.append([f"{name}={value}"])
        if not value.startswith("="):
            forms.append([name + value])
    return draw(st.sampled_from(forms))


def join_short_switches(parts: list[list[str]]) -> list[str]:
    """Merge neighbouring short on/off flags into groups such as `-dit`."""
    tokens: list[str] = []
    in_group = False
    for part in parts:
        switch = len(part) == 1 and len(part[0]) == 2 and part[0][1] != "-"
        if switch and in_group:
            tokens[-1] += part[0][1]
        else:
            tokens += part
        in_group = switch
    return tokens


@given(commands())
def test_a_well_formed_command_equals_itself(command):
    path, _, options, args = command
    line = canonical(path, options, args)
    assert same_command(line, line)


@given(commands(), st.data())
def test_any_spelling_and_order_of_the_options_is_accepted(command, data):
    path, grouped, options, args = command
    shuffled = data.draw(st.permutations(options))
    parts = [respelled(data.draw, grouped, option) for option in shuffled]
    if data.draw(st.booleans()):
        parts = [join_short_switches(parts)]
    answer = shlex.join(["docker", *path, *sum(parts, []), *args])
    assert same_command(canonical(path, options, args), answer)


@given(commands(), st.data())
def test_leaving_out_a_meaningful_option_is_wrong(command, data):
    path, _, options, args = command
    names = [flag.name for flag, _ in options]
    unique = [i for i, (flag, _) in enumerate(options) if names.count(flag.name) == 1]
    if not unique:
        return
    dropped = data.draw(st.sampled_from(unique))
    answer = canonical(path, options[:dropped] + options[dropped + 1 :], args)
    assert not same_command(canonical(path, options, args), answer)

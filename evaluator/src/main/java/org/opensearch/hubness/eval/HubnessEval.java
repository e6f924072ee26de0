package org.opensearch.hubness.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.opensearch.hubness.norm.Method;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Offline evaluator: scores .npy embeddings with a normalisation method, computes retrieval metrics and
 * hubness, and sweeps β. Run it through scripts/hubness-eval; see docs/evaluator.md.
 */
@Command(
        name = "hubness-eval",
        subcommands = {ScoreCommand.class, MetricsCommand.class, SweepCommand.class, CommandLine.HelpCommand.class},
        mixinStandardHelpOptions = true,
        version = "hubness-eval 0.1.0",
        description =
                "Scores .npy embeddings with a hubness normalisation, reports retrieval quality and hubness, sweeps β.",
        footer = "methods: none, is, dis, dual_is, dual_dis, csls, nnn")
public final class HubnessEval implements Runnable {

    /** Exit code of every user error (a bad option, a missing file, a missing bank). */
    static final int USAGE_ERROR = 2;

    @Spec
    CommandSpec spec;

    private HubnessEval() {}

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command; commands are score, metrics, sweep");
    }

    /** A command-line tool: the outcome leaves through the process exit code. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs one command; returns the process exit code (0 ok, 2 user error). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(new HubnessEval())
                .registerConverter(Method.class, converter(Method::fromString))
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(errWriter);
        // one line on stderr, no usage dump and no stack trace: the message says what to fix
        cli.setParameterExceptionHandler((e, a) -> fail(errWriter, e.getMessage()));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof UsageException || e instanceof IllegalArgumentException || e instanceof IOException) {
                return fail(errWriter, e instanceof IOException ? e.toString() : e.getMessage());
            }
            throw e;
        });
        return cli.execute(args);
    }

    private static int fail(PrintWriter err, String message) {
        err.println("hubness-eval: " + message);
        return USAGE_ERROR;
    }

    private static <T> ITypeConverter<T> converter(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }
}

package io.consentry.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a request DTO component that must be present. {@link Call} refuses a request without it
 * ({@link ProblemCode#MALFORMED_REQUEST}) and {@link OpenApi} lists it as {@code required}: one declaration for both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Required {
}
